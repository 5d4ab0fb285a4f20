package com.accountauth.extension.identity;

/**
 * A username as the client sent it, classified and normalised for the DB lookup: a device's MAC in upper case with
 * colons, or an account's email in lower case. It is only a lookup key; the identity kept is the DB row's value.
 */
public record LoginName(Kind kind, String lookupKey) {

    /** Which table the username is looked up in. */
    public enum Kind {
        DEVICE,
        ACCOUNT
    }
}
