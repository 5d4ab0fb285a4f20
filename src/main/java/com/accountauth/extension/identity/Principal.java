package com.accountauth.extension.identity;

/**
 * An authenticated principal: its kind, its DB id and its name as stored in the DB (MAC or email), never the raw
 * username the client sent.
 */
public record Principal(Kind kind, long id, String name) {

    /** What the principal is. */
    public enum Kind {
        DEVICE,
        USER,
        SERVICE
    }

    /** A key unique across kinds, for maps and logs. */
    public String key() {
        return (kind == Kind.DEVICE ? "device:" : "account:") + id;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "' (id " + id + ")";
    }
}
