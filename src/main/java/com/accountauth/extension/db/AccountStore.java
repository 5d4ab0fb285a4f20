package com.accountauth.extension.db;

import com.accountauth.extension.acl.PairedDevice;

import java.util.List;
import java.util.Optional;

/**
 * What the CONNECT path and the refresher read from the account DB (and the writes: a client id's binding, an
 * upgraded password hash).
 * {@link AccountRepository} runs the statements of config.xml; tests use a map instead.
 */
public interface AccountStore {

    /** The device with this MAC, with the owner of {@code clientId} when the statement reads it. */
    Optional<DeviceRow> findDevice(String mac, String clientId) throws AccountStoreUnavailableException;

    /** The device with this id. */
    Optional<DeviceRow> findDevice(long id) throws AccountStoreUnavailableException;

    /** The account with this email, with the owner of {@code clientId} when the statement reads it. */
    Optional<AccountRow> findAccount(String email, String clientId) throws AccountStoreUnavailableException;

    /** The account with this id. */
    Optional<AccountRow> findAccount(long id) throws AccountStoreUnavailableException;

    /** The devices paired to the account, with the pairing's role. */
    List<PairedDevice> pairedDevices(long accountId) throws AccountStoreUnavailableException;

    /**
     * Binds the client id to the principal unless it is bound already, and answers who owns it now, as
     * {@code account:<id>} or {@code device:<id>}.
     *
     * @param knownUnbound the client id was just read without an owner: bind without looking it up first
     */
    Optional<String> bindClientId(String clientId, boolean device, long principalId, boolean knownUnbound)
            throws AccountStoreUnavailableException;

    /** The device whose MAC or uid this client id is, as {@code device:<id>}; empty when none. */
    Optional<String> deviceReservingClientId(String clientId) throws AccountStoreUnavailableException;

    /**
     * Writes a principal's new password hash if its row still holds {@code oldHash} (upgrade on login); true when it
     * did, false when the row changed meanwhile.
     */
    boolean replacePasswordHash(boolean device, long principalId, String oldHash, String newHash)
            throws AccountStoreUnavailableException;
}
