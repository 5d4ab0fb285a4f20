package com.accountauth.extension.sync;

import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;

/** Applies what the change feed read: to the caches first, then to the connected clients. */
@FunctionalInterface
public interface ChangeApplier {

    /**
     * Applies the changes; idempotent, so the feed may hand the same change over again.
     *
     * @throws AccountStoreUnavailableException when the DB cannot answer; the feed hands the same changes over again
     */
    void apply(ChangeSet changes) throws AccountStoreUnavailableException;
}
