package com.accountauth.extension.db;

import java.util.List;

/** What the change feed reads from the account DB; {@link AccountRepository} runs the statements of config.xml. */
public interface ChangeSource {

    /**
     * Changes after {@code seq} in seq order; with the shipped statement also the table's oldest and newest rows,
     * wherever they lie (so an idle poll returns one or two rows at or below {@code seq}).
     */
    List<AccountChange> changesSince(long seq) throws AccountStoreUnavailableException;

    /** The newest change's seq (0 when there is none). */
    long latestChange() throws AccountStoreUnavailableException;
}
