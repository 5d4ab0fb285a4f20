package com.accountauth.extension.db;

import com.accountauth.extension.config.QuerySettings;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs every statement of {@code <queries>} once against the DB, with harmless values that match no row, and names
 * each that fails or lacks a column the extension reads. For the admin CLI's {@code check-config}: a statement that
 * only fails at the first CONNECT is found before it. Nothing is written: the SELECTs run in a read-only transaction
 * that is rolled back, and {@code <bind-client-id>} is only EXPLAINed (MySQL and MariaDB check its table and columns).
 */
public final class QueryCheck {

    private static final String MAC = "00:00:00:00:00:00";
    private static final String EMAIL = "check-config@account-auth.invalid";
    private static final String CLIENT_ID = "account-auth check-config";
    private static final long NO_ID = -1;

    private static final List<String> DEVICE = List.of("id", "mac", "uid", "vendor", "model", "password_hash",
            "enabled");
    private static final List<String> ACCOUNT = List.of("id", "email", "password_hash", "role", "enabled");
    private static final List<String> OWNER = List.of("client_id_account_id", "client_id_device_id");
    private static final List<String> RESERVATION = List.of("client_id_reserved_device_id");

    private QueryCheck() {
    }

    /** One statement to try: its element name, its SQL, the values of its '?'s and the columns it must return. */
    record Probe(String name, String sql, List<Object> parameters, List<String> columns, boolean update) {
    }

    /** Every problem found, one line each; empty when every statement ran and returned its columns. */
    public static List<String> problems(final DataSource dataSource, final QuerySettings queries,
                                        final int queryTimeoutSeconds) {
        final List<String> problems = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try {
                for (final Probe probe : probes(queries)) {
                    check(connection, probe, queryTimeoutSeconds).ifPresent(problems::add);
                }
            } finally {
                connection.rollback();
            }
        } catch (final SQLException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // HikariCP's "request timed out" hides the driver's reason ("Connection refused")
            problems.add("cannot reach the DB: " + firstLine(e.getMessage()) +
                    (root == e ? "" : " (" + firstLine(root.getMessage()) + ")"));
        }
        return problems;
    }

    static List<Probe> probes(final QuerySettings q) {
        return List.of(
                new Probe("device-by-mac", q.deviceByMac(), byLogin(MAC, q.deviceByMacReadsClientIdOwner(),
                        q.deviceByMacReadsReservation()), withOwner(DEVICE, q.deviceByMacReadsClientIdOwner(),
                        q.deviceByMacReadsReservation()), false),
                new Probe("device-by-id", q.deviceById(), List.of(NO_ID), DEVICE, false),
                new Probe("account-by-email", q.accountByEmail(), byLogin(EMAIL, q.accountByEmailReadsClientIdOwner(),
                        q.accountByEmailReadsReservation()), withOwner(ACCOUNT, q.accountByEmailReadsClientIdOwner(),
                        q.accountByEmailReadsReservation()), false),
                new Probe("account-by-id", q.accountById(), List.of(NO_ID), ACCOUNT, false),
                new Probe("devices-paired-to-account", q.devicesPairedToAccount(), List.of(NO_ID),
                        List.of("id", "uid", "vendor", "model", "enabled", "role"), false),
                new Probe("bind-client-id", q.bindClientId(), List.of(CLIENT_ID, NO_ID, NO_ID), List.of(), true),
                new Probe("client-id-owner", q.clientIdOwner(), List.of(CLIENT_ID),
                        List.of("account_id", "device_id"), false),
                new Probe("changes-since", q.changesSince(), List.of(Long.MAX_VALUE),
                        List.of("seq", "account_id", "device_id"), false),
                new Probe("latest-change", q.latestChange(), List.of(), List.of("seq"), false),
                new Probe("accounts-paired-to-device", q.accountsPairedToDevice(), List.of(NO_ID),
                        List.of("id", "email", "role", "enabled"), false),
                new Probe("client-ids-of", q.clientIdsOf(), List.of(NO_ID, NO_ID), List.of("client_id"), false),
                new Probe("devices-to-preload", q.devicesToPreload(), List.of(Long.MAX_VALUE, 1),
                        List.of("id", "mac", "uid", "vendor", "model", "password_hash", "enabled", "client_id"), false));
    }

    /** A principal query's parameters: the login, the client id if it reads its owner, the reservation's two. */
    private static List<Object> byLogin(final String login, final boolean readsOwner, final boolean readsReservation) {
        if (!readsOwner) {
            return List.of(login);
        }
        return readsReservation ? List.of(login, CLIENT_ID, CLIENT_ID, CLIENT_ID) : List.of(login, CLIENT_ID);
    }

    private static List<String> withOwner(final List<String> columns, final boolean readsOwner,
                                          final boolean readsReservation) {
        if (!readsOwner) {
            return columns;
        }
        final List<String> all = new ArrayList<>(columns);
        all.addAll(OWNER);
        if (readsReservation) {
            all.addAll(RESERVATION);
        }
        return all;
    }

    private static java.util.Optional<String> check(final Connection connection, final Probe probe,
                                                    final int queryTimeoutSeconds) {
        final String sql = probe.update() ? "EXPLAIN " + probe.sql() : probe.sql();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 0; i < probe.parameters().size(); i++) {
                final Object value = probe.parameters().get(i);
                if (value == null) {
                    statement.setNull(i + 1, Types.BIGINT);
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            try (ResultSet rs = statement.executeQuery()) {
                final List<String> missing = missing(rs.getMetaData(), probe.columns());
                return missing.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("<queries>/<" +
                        probe.name() + ">: returns no column " + String.join(", ", missing) +
                        " (use an alias: ... AS " + missing.get(0) + ")");
            }
        } catch (final SQLException | RuntimeException e) {
            return java.util.Optional.of("<queries>/<" + probe.name() + ">: " + firstLine(e.getMessage()));
        }
    }

    /** One problem, one line: some drivers' messages span several. */
    private static String firstLine(final String message) {
        return String.valueOf(message).lines().findFirst().orElse("");
    }

    private static List<String> missing(final ResultSetMetaData meta, final List<String> expected)
            throws SQLException {
        final Set<String> labels = new LinkedHashSet<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            labels.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return expected.stream().filter(column -> !labels.contains(column)).toList();
    }
}
