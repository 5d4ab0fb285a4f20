package com.accountauth.extension.cli;

import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.AccountRow;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.DataSourceFactory;
import com.accountauth.extension.db.DbHealth;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.db.PairedAccount;

import javax.sql.DataSource;
import java.util.List;
import java.util.Optional;

/** {@link AdminStore} on the configured DB, through the extension's own pool and statements. */
final class DbAdminStore implements AdminStore {

    private final DataSource dataSource;
    private final AccountRepository repository;

    DbAdminStore(final AccountAuthConfig config) {
        // no pool: a command runs a few statements, and a pool's timeout is too short for a cold JVM's first one
        this.dataSource = DataSourceFactory.unpooled(config.database());
        this.repository = new AccountRepository(dataSource, config.queries(),
                config.database().queryTimeoutSeconds(), DbHealth.unlogged());
    }

    @Override
    public Optional<String> deviceReservingClientId(final String clientId) throws AccountStoreUnavailableException {
        return repository.deviceReservingClientId(clientId);
    }

    @Override
    public boolean replacePasswordHash(final boolean device, final long principalId, final String oldHash,
                                       final String newHash) {
        throw new UnsupportedOperationException("the admin CLI changes nothing in the DB");
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Optional<DeviceRow> findDevice(final String mac, final String clientId)
            throws AccountStoreUnavailableException {
        return repository.findDevice(mac, clientId);
    }

    @Override
    public Optional<DeviceRow> findDevice(final long id) throws AccountStoreUnavailableException {
        return repository.findDevice(id);
    }

    @Override
    public Optional<AccountRow> findAccount(final String email, final String clientId)
            throws AccountStoreUnavailableException {
        return repository.findAccount(email, clientId);
    }

    @Override
    public Optional<AccountRow> findAccount(final long id) throws AccountStoreUnavailableException {
        return repository.findAccount(id);
    }

    @Override
    public List<PairedDevice> pairedDevices(final long accountId) throws AccountStoreUnavailableException {
        return repository.pairedDevices(accountId);
    }

    @Override
    public Optional<String> clientIdOwner(final String clientId) throws AccountStoreUnavailableException {
        return repository.clientIdOwner(clientId);
    }

    @Override
    public List<PairedAccount> accountsPairedToDevice(final long deviceId) throws AccountStoreUnavailableException {
        return repository.accountsPairedToDevice(deviceId);
    }

    @Override
    public List<String> clientIdsOf(final boolean device, final long principalId)
            throws AccountStoreUnavailableException {
        return repository.clientIdsOf(device, principalId);
    }

    @Override
    public void close() {
        // every connection was closed after its statement
    }
}
