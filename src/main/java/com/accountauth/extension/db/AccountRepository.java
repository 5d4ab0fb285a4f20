package com.accountauth.extension.db;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.config.QuerySettings;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads devices, accounts and pairings with the statements from config.xml. Every value reaches the DB as a bound
 * parameter, never as SQL text.
 */
public final class AccountRepository {

    private final DataSource dataSource;
    private final QuerySettings queries;
    private final int queryTimeoutSeconds;

    public AccountRepository(final DataSource dataSource, final QuerySettings queries,
                             final int queryTimeoutSeconds) {
        this.dataSource = dataSource;
        this.queries = queries;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** The device with this MAC (upper case with colons). */
    public Optional<DeviceRow> findDevice(final String mac) throws AccountStoreUnavailableException {
        return query("device-by-mac", queries.deviceByMac(), mac, rs -> rs.next() ?
                Optional.of(new DeviceRow(rs.getLong("id"), rs.getString("mac"), rs.getString("uid"),
                        rs.getString("vendor"), rs.getString("model"),
                        Optional.ofNullable(rs.getString("password_hash")), rs.getBoolean("enabled"))) :
                Optional.empty());
    }

    /** The account with this email (lower case; the DB's collation decides how case is compared). */
    public Optional<AccountRow> findAccount(final String email) throws AccountStoreUnavailableException {
        return query("account-by-email", queries.accountByEmail(), email, rs -> rs.next() ?
                Optional.of(new AccountRow(rs.getLong("id"), rs.getString("email"),
                        Optional.ofNullable(rs.getString("password_hash")), rs.getString("role"),
                        rs.getBoolean("enabled"))) :
                Optional.empty());
    }

    /** The devices paired to the account, with the pairing's role. */
    public List<PairedDevice> pairedDevices(final long accountId) throws AccountStoreUnavailableException {
        return query("devices-paired-to-account", queries.devicesPairedToAccount(), accountId, rs -> {
            final List<PairedDevice> devices = new ArrayList<>();
            while (rs.next()) {
                devices.add(new PairedDevice(new DeviceTopicValues(rs.getString("vendor"), rs.getString("model"),
                        rs.getString("uid"), null), rs.getString("role")));
            }
            return devices;
        });
    }

    private <T> T query(final String name, final String sql, final Object parameter, final RowReader<T> reader)
            throws AccountStoreUnavailableException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setObject(1, parameter);
            try (ResultSet rs = statement.executeQuery()) {
                return reader.read(rs);
            }
        } catch (final SQLException | RuntimeException e) {
            throw new AccountStoreUnavailableException("query <" + name + "> failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
