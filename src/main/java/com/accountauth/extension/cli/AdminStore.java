package com.accountauth.extension.cli;

import com.accountauth.extension.db.AccountStore;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.PairedAccount;

import java.util.List;
import java.util.Optional;

/**
 * What the CLI reads: the broker's statements, and the two that only {@code list} needs. It never binds a client id:
 * explaining a CONNECT must not change what the next real CONNECT finds.
 */
interface AdminStore extends AccountStore, AutoCloseable {

    /** Who owns the client id ({@code account:<id>} or {@code device:<id>}); empty when it is unbound. */
    Optional<String> clientIdOwner(String clientId) throws AccountStoreUnavailableException;

    List<PairedAccount> accountsPairedToDevice(long deviceId) throws AccountStoreUnavailableException;

    List<String> clientIdsOf(boolean device, long principalId) throws AccountStoreUnavailableException;

    @Override
    default Optional<String> bindClientId(final String clientId, final boolean device, final long principalId,
                                          final boolean knownUnbound) {
        throw new UnsupportedOperationException("the admin CLI never binds a client id");
    }

    @Override
    void close();
}
