package com.accountauth.extension.it;

/** A principal of the randomized test: its kind, DB id, login name and (for a device) topic uid. */
record Who(Kind kind, long id, String username, String uid) {

    enum Kind { DEVICE, USER, SERVICE }

    String key() {
        return (kind == Kind.DEVICE ? "device:" : "account:") + id;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
    }
}
