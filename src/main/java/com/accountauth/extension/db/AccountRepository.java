package com.accountauth.extension.db;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.config.QuerySettings;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.metrics.Count;
import com.accountauth.extension.metrics.Timing;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads devices, accounts and pairings with the statements from config.xml. Every value reaches the DB as a bound
 * parameter, never as SQL text. Every statement tells {@link DbHealth} whether it reached the DB.
 */
public final class AccountRepository implements AccountStore, ChangeSource {

    private final DataSource dataSource;
    private final QuerySettings queries;
    private final int queryTimeoutSeconds;
    private final DbHealth health;
    private final ExtensionMetrics metrics;
    private final ConcurrentHashMap<String, StatementMetrics> statements = new ConcurrentHashMap<>();
    private final boolean bindCountsInserts;
    private final boolean deviceByMacReadsReservation;
    private final boolean accountByEmailReadsReservation;

    public AccountRepository(final DataSource dataSource, final QuerySettings queries,
                             final int queryTimeoutSeconds, final DbHealth health) {
        this(dataSource, queries, queryTimeoutSeconds, health, ExtensionMetrics.unread());
    }

    /**
     * @param metrics gets {@code db.<statement>.time} (a Timing, from asking the pool for a connection to the last
     *                row read) and {@code db.<statement>.errors}, per statement of {@code <queries>}
     */
    public AccountRepository(final DataSource dataSource, final QuerySettings queries,
                             final int queryTimeoutSeconds, final DbHealth health, final ExtensionMetrics metrics) {
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.queries = queries;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.health = health;
        this.bindCountsInserts = countsInserts(queries.bindClientId());
        this.deviceByMacReadsReservation = queries.deviceByMacReadsReservation();
        this.accountByEmailReadsReservation = queries.accountByEmailReadsReservation();
    }

    /**
     * The device with this MAC (upper case with colons). When device-by-mac takes the client id as its second
     * parameter, the row also says who owns {@code clientId}, and with four parameters the device it is reserved to:
     * one statement instead of three on a cold CONNECT.
     */
    @Override
    public Optional<DeviceRow> findDevice(final String mac, final String clientId)
            throws AccountStoreUnavailableException {
        final String ownerOf = queries.deviceByMacReadsClientIdOwner() ? clientId : null;
        final boolean reservation = ownerOf != null && deviceByMacReadsReservation;
        return query("device-by-mac", queries.deviceByMac(), rs -> device(rs, ownerOf, reservation),
                byLogin(mac, ownerOf, reservation));
    }

    /** The device with this id. */
    @Override
    public Optional<DeviceRow> findDevice(final long id) throws AccountStoreUnavailableException {
        return query("device-by-id", queries.deviceById(), rs -> device(rs, null, false), id);
    }

    /**
     * The account with this email (lower case; the DB's collation decides how case is compared), with the owner of
     * {@code clientId} when account-by-email reads it (as for {@link #findDevice(String, String)}).
     */
    @Override
    public Optional<AccountRow> findAccount(final String email, final String clientId)
            throws AccountStoreUnavailableException {
        final String ownerOf = queries.accountByEmailReadsClientIdOwner() ? clientId : null;
        final boolean reservation = ownerOf != null && accountByEmailReadsReservation;
        return query("account-by-email", queries.accountByEmail(), rs -> account(rs, ownerOf, reservation),
                byLogin(email, ownerOf, reservation));
    }

    /** The account with this id. */
    @Override
    public Optional<AccountRow> findAccount(final long id) throws AccountStoreUnavailableException {
        return query("account-by-id", queries.accountById(), rs -> account(rs, null, false), id);
    }

    /**
     * The parameters of a principal query: the login, then the client id if the query reads its owner, then the
     * reservation's parameters if it reads that too.
     */
    private static Object[] byLogin(final String login, final String ownerOf, final boolean reservation) {
        if (ownerOf == null) {
            return new Object[]{login};
        }
        return reservation ? new Object[]{login, ownerOf, clientIdAsMac(ownerOf), ownerOf} :
                new Object[]{login, ownerOf};
    }

    /** The client id as an upper-case MAC with colons when it is a MAC in any form a username may take, else as is. */
    private static String clientIdAsMac(final String clientId) {
        return UsernameParser.parse(clientId).filter(login -> login.kind() == LoginName.Kind.DEVICE)
                .map(LoginName::lookupKey).orElse(clientId);
    }

    /**
     * Binds the client id to the principal unless it is bound already, and answers who owns it now. An existing
     * binding costs one query; only the first use of a client id writes, and a bind that inserted is not read back.
     *
     * @param knownUnbound the client id was just read without an owner (with the principal's row): skip the first
     *                     look-up and bind at once
     * @return the owner's key as {@code account:<id>} or {@code device:<id>}
     */
    @Override
    public Optional<String> bindClientId(final String clientId, final boolean device, final long principalId,
                                         final boolean knownUnbound) throws AccountStoreUnavailableException {
        if (!knownUnbound) {
            final Optional<String> owner = clientIdOwner(clientId);
            if (owner.isPresent()) {
                return owner;
            }
        }
        // INSERT IGNORE keeps a row another node wrote meanwhile: its count says whether this one won (1: the row is
        // ours, no read-back); otherwise, or with a statement whose count cannot say so, reading back says who won
        final int inserted = update("bind-client-id", queries.bindClientId(), clientId, device ? null : principalId,
                device ? principalId : null);
        if (inserted == 1 && bindCountsInserts) {
            return Optional.of((device ? "device:" : "account:") + principalId);
        }
        return clientIdOwner(clientId);
    }

    /**
     * Whether {@code <bind-client-id>}'s update count is 1 only when it inserted the row: true for an INSERT (IGNORE)
     * without ON DUPLICATE KEY UPDATE, whose count of 1 may also mean an existing row found (the driver's
     * CLIENT_FOUND_ROWS), and false for anything else (a CALL), which is read back after every bind.
     */
    static boolean countsInserts(final String bindClientId) {
        final String sql = bindClientId.strip().toUpperCase(Locale.ROOT);
        return sql.startsWith("INSERT") && !sql.replaceAll("\\s+", " ").contains("ON DUPLICATE");
    }

    /**
     * The device whose MAC (in any form a MAC username may take) or uid this client id is, as {@code device:<id>}.
     */
    @Override
    public Optional<String> deviceReservingClientId(final String clientId) throws AccountStoreUnavailableException {
        return query("device-reserving-client-id", queries.deviceReservingClientId(),
                rs -> rs.next() ? Optional.of("device:" + rs.getLong("id")) : Optional.<String>empty(),
                clientIdAsMac(clientId), clientId);
    }

    /** Marks these bindings used now, in one batch (a missing binding is no error). */
    public void touchClientIds(final Collection<String> clientIds) throws AccountStoreUnavailableException {
        if (clientIds.isEmpty()) {
            return;
        }
        final long start = System.nanoTime();
        final Connection connection = connection("touch-client-id");
        try (connection; PreparedStatement statement = connection.prepareStatement(queries.touchClientId())) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            for (final String clientId : clientIds) {
                statement.setString(1, clientId);
                statement.addBatch();
            }
            statement.executeBatch();
            health.reached();
        } catch (final SQLException | RuntimeException e) {
            throw failed("touch-client-id", e);
        } finally {
            timed("touch-client-id", start);
        }
    }

    /** Deletes bindings unused for this long, with one run of the statement; the number deleted. */
    public int expireClientIds(final long unusedSeconds) throws AccountStoreUnavailableException {
        return update("expire-client-ids", queries.expireClientIds(), unusedSeconds);
    }

    /** Whether the DB answers now (JDBC's validity check, no SQL), for a probe while it is unreachable. */
    public boolean reachable() {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(queryTimeoutSeconds)) {
                health.reached();
                return true;
            }
            return false;
        } catch (final SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean replacePasswordHash(final boolean device, final long principalId, final String oldHash,
                                       final String newHash) throws AccountStoreUnavailableException {
        return device ?
                update("update-device-password", queries.updateDevicePassword(), newHash, principalId, oldHash) > 0 :
                update("update-account-password", queries.updateAccountPassword(), newHash, principalId, oldHash) > 0;
    }

    /** Who owns the client id, as {@code account:<id>} or {@code device:<id>}; empty when it is unbound. */
    public Optional<String> clientIdOwner(final String clientId) throws AccountStoreUnavailableException {
        return query("client-id-owner", queries.clientIdOwner(),
                rs -> rs.next() ? ownerKey(rs, "account_id", "device_id") : Optional.<String>empty(), clientId);
    }

    private static Optional<String> ownerKey(final ResultSet rs, final String accountColumn, final String deviceColumn)
            throws SQLException {
        final long accountId = rs.getLong(accountColumn);
        if (!rs.wasNull()) {
            return Optional.of("account:" + accountId);
        }
        final long deviceId = rs.getLong(deviceColumn);
        return rs.wasNull() ? Optional.empty() : Optional.of("device:" + deviceId);
    }

    /**
     * The owner columns of a principal query that read them, for {@code clientId}, with the reservation's column if
     * it read that too; empty when it read neither.
     */
    private static Optional<ClientIdOwner> clientIdOwner(final ResultSet rs, final String clientId,
                                                         final boolean reservation) throws SQLException {
        if (clientId == null) {
            return Optional.empty();
        }
        final Optional<String> owner = ownerKey(rs, "client_id_account_id", "client_id_device_id");
        if (!reservation) {
            return Optional.of(new ClientIdOwner(clientId, owner));
        }
        final long reservedTo = rs.getLong("client_id_reserved_device_id");
        return Optional.of(new ClientIdOwner(clientId, owner,
                Optional.of(rs.wasNull() ? Optional.empty() : Optional.of("device:" + reservedTo))));
    }

    @Override
    public List<AccountChange> changesSince(final long seq) throws AccountStoreUnavailableException {
        return query("changes-since", queries.changesSince(), rs -> {
            final List<AccountChange> changes = new ArrayList<>();
            while (rs.next()) {
                final long changeSeq = rs.getLong("seq");
                final long accountId = rs.getLong("account_id");
                final Optional<Long> account = rs.wasNull() ? Optional.empty() : Optional.of(accountId);
                final long deviceId = rs.getLong("device_id");
                final Optional<Long> device = rs.wasNull() ? Optional.empty() : Optional.of(deviceId);
                changes.add(new AccountChange(changeSeq, account, device));
            }
            return changes;
        }, seq);
    }

    @Override
    public long latestChange() throws AccountStoreUnavailableException {
        return query("latest-change", queries.latestChange(), rs -> rs.next() ? rs.getLong("seq") : 0L);
    }

    private static Optional<DeviceRow> device(final ResultSet rs, final String clientId, final boolean reservation)
            throws SQLException {
        return rs.next() ? Optional.of(deviceRow(rs, clientIdOwner(rs, clientId, reservation))) : Optional.empty();
    }

    /** The device columns of the current row. */
    private static DeviceRow deviceRow(final ResultSet rs, final Optional<ClientIdOwner> clientIdOwner)
            throws SQLException {
        return new DeviceRow(rs.getLong("id"), rs.getString("mac"), rs.getString("uid"), rs.getString("vendor"),
                rs.getString("model"), Optional.ofNullable(rs.getString("password_hash")), rs.getBoolean("enabled"),
                clientIdOwner);
    }

    private static Optional<AccountRow> account(final ResultSet rs, final String clientId, final boolean reservation)
            throws SQLException {
        return rs.next() ? Optional.of(new AccountRow(rs.getLong("id"), rs.getString("email"),
                Optional.ofNullable(rs.getString("password_hash")), rs.getString("role"),
                rs.getBoolean("enabled"), clientIdOwner(rs, clientId, reservation))) : Optional.empty();
    }

    /** The devices paired to the account, with the pairing's role. */
    @Override
    public List<PairedDevice> pairedDevices(final long accountId) throws AccountStoreUnavailableException {
        return query("devices-paired-to-account", queries.devicesPairedToAccount(), rs -> {
            final List<PairedDevice> devices = new ArrayList<>();
            while (rs.next()) {
                devices.add(new PairedDevice(rs.getLong("id"), new DeviceTopicValues(rs.getString("vendor"),
                        rs.getString("model"), rs.getString("uid"), null), rs.getString("role"),
                        rs.getBoolean("enabled")));
            }
            return devices;
        }, accountId);
    }

    /**
     * Up to {@code limit} devices with an id above {@code afterId}, in id order, each with the client ids bound to it
     * ({@code <devices-to-preload>}, at start).
     */
    public List<PreloadedDevice> devicesToPreload(final long afterId, final int limit)
            throws AccountStoreUnavailableException {
        return query("devices-to-preload", queries.devicesToPreload(), rs -> {
            final List<PreloadedDevice> devices = new ArrayList<>();
            DeviceRow row = null;
            List<String> clientIds = new ArrayList<>();
            while (rs.next()) {
                final long id = rs.getLong("id");
                if (row == null || row.id() != id) {
                    if (row != null) {
                        devices.add(new PreloadedDevice(row, List.copyOf(clientIds)));
                    }
                    row = deviceRow(rs, Optional.empty());
                    clientIds = new ArrayList<>();
                }
                final String clientId = rs.getString("client_id");
                if (clientId != null) {
                    clientIds.add(clientId);
                }
            }
            if (row != null) {
                devices.add(new PreloadedDevice(row, List.copyOf(clientIds)));
            }
            return devices;
        }, afterId, limit);
    }

    /** The accounts paired to the device, with the pairing's role (for the admin CLI). */
    public List<PairedAccount> accountsPairedToDevice(final long deviceId) throws AccountStoreUnavailableException {
        return query("accounts-paired-to-device", queries.accountsPairedToDevice(), rs -> {
            final List<PairedAccount> accounts = new ArrayList<>();
            while (rs.next()) {
                accounts.add(new PairedAccount(rs.getLong("id"), rs.getString("email"), rs.getString("role"),
                        rs.getBoolean("enabled")));
            }
            return accounts;
        }, deviceId);
    }

    /** The client ids bound to a device or an account (for the admin CLI). */
    public List<String> clientIdsOf(final boolean device, final long principalId)
            throws AccountStoreUnavailableException {
        return query("client-ids-of", queries.clientIdsOf(), rs -> {
            final List<String> clientIds = new ArrayList<>();
            while (rs.next()) {
                clientIds.add(rs.getString("client_id"));
            }
            return clientIds;
        }, device ? null : principalId, device ? principalId : null);
    }

    private <T> T query(final String name, final String sql, final RowReader<T> reader, final Object... parameters)
            throws AccountStoreUnavailableException {
        final long start = System.nanoTime();
        final Connection connection = connection(name);
        try (connection; PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            final T result = reader.read(rs);
            health.reached();
            return result;
        } catch (final SQLException | RuntimeException e) {
            throw failed(name, e);
        } finally {
            timed(name, start);
        }
    }

    private int update(final String name, final String sql, final Object... parameters)
            throws AccountStoreUnavailableException {
        final long start = System.nanoTime();
        final Connection connection = connection(name);
        try (connection; PreparedStatement statement = prepare(connection, sql, parameters)) {
            final int rows = statement.executeUpdate();
            health.reached();
            return rows;
        } catch (final SQLException | RuntimeException e) {
            throw failed(name, e);
        } finally {
            timed(name, start);
        }
    }

    /** The time and error count of one statement, made on its first run. */
    private record StatementMetrics(Timing time, Count errors) {
    }

    private StatementMetrics statement(final String name) {
        return statements.computeIfAbsent(name, key ->
                new StatementMetrics(metrics.timer("db." + key + ".time"), metrics.counter("db." + key + ".errors")));
    }

    /** Every run counts, a failed one too: a statement that waits for its timeout shows in its time. */
    private void timed(final String name, final long start) {
        statement(name).time().record(System.nanoTime() - start);
    }

    /** A connection from the pool; none means the DB cannot be reached. */
    private Connection connection(final String name) throws AccountStoreUnavailableException {
        try {
            return dataSource.getConnection();
        } catch (final SQLException | RuntimeException e) {
            statement(name).errors().inc();
            health.unreachable("no connection for <" + name + ">: " + e.getClass().getSimpleName());
            throw new AccountStoreUnavailableException("statement <" + name + ">: no DB connection: " +
                    e.getMessage(), e);
        }
    }

    /** A failed statement; a lost connection (SQLSTATE class 08) counts as the DB unreachable. */
    private AccountStoreUnavailableException failed(final String name, final Exception e) {
        statement(name).errors().inc();
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException ||
                e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
            health.unreachable("<" + name + "> lost its connection: " + e.getClass().getSimpleName());
        }
        return new AccountStoreUnavailableException("statement <" + name + "> failed: " + e.getMessage(), e);
    }

    private PreparedStatement prepare(final Connection connection, final String sql, final Object... parameters)
            throws SQLException {
        final PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(queryTimeoutSeconds);
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == null) {
                statement.setNull(i + 1, Types.BIGINT);
            } else {
                statement.setObject(i + 1, parameters[i]);
            }
        }
        return statement;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
