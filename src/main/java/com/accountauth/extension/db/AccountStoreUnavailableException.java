package com.accountauth.extension.db;

/** The account DB could not answer: down, too slow, or the configured statement failed. */
public final class AccountStoreUnavailableException extends Exception {

    public AccountStoreUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
