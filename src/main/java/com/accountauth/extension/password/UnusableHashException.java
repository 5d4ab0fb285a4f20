package com.accountauth.extension.password;

/**
 * A stored hash that cannot be checked: malformed, of an unknown format, or made with a pepper this node lacks. The
 * message says why, without the hash.
 */
public final class UnusableHashException extends Exception {

    public UnusableHashException(final String reason) {
        super(reason, null, false, false);
    }
}
