package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.FastSchemeHashes;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.accountauth.extension.testsupport.StatementKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seeds the private MariaDB with the population (batched multi-row INSERTs) and counts the statements the extension
 * runs, exactly, from MariaDB's general query log (log_output=TABLE, read as root; only rows of the extension's DB
 * user 'app' are counted, and each is classified by the query it is in config.xml).
 */
final class BenchDatabase implements AutoCloseable {

    private static final int BATCH = 1000;

    private final Connection root;
    private String logMark = "1970-01-01 00:00:00.000000";

    BenchDatabase(final MariaDbServer server) throws SQLException {
        this.root = server.rootConnection();
    }

    void seed(final Population population, final String deviceHash, final String userHash) throws SQLException {
        final List<Population.User> accounts = new ArrayList<>(population.users);
        accounts.add(population.crowd);
        insertRows("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES ", population.devices,
                d -> List.of(d.id(), q(d.mac()), q(d.uid()), q(Population.VENDOR), q(Population.MODEL),
                        q(deviceHash)));
        insertRows("INSERT INTO accounts (id, email, password_hash, role) VALUES ", accounts,
                u -> List.of(u.id(), q(u.email()), q(userHash), q("user")));
        final List<Object[]> pairings = new ArrayList<>();
        for (final Population.User user : population.users) {
            user.devices().forEach(d -> pairings.add(new Object[]{user.id(), d.id(), "owner"}));
        }
        population.crowd.devices().forEach(d -> pairings.add(new Object[]{population.crowd.id(), d.id(), "viewer"}));
        insertRows("INSERT INTO pairings (account_id, device_id, role) VALUES ", pairings,
                p -> List.of(p[0], p[1], q((String) p[2])));
        // as after a restart: every client id of the storms was bound to its principal on an earlier connect
        insertRows("INSERT INTO client_ids (client_id, device_id) VALUES ", population.devices,
                d -> List.of(q(d.clientId()), d.id()));
        insertRows("INSERT INTO client_ids (client_id, account_id) VALUES ", population.users,
                u -> List.of(q(u.clientId()), u.id()));
        final List<Integer> fast = new ArrayList<>();
        for (int i = 0; i < population.fastDevices.size(); i++) {
            fast.add(i);
        }
        insertRows("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES ", fast, i -> {
            final Population.Device d = population.fastDevices.get(i);
            return List.of(d.id(), q(d.mac()), q(d.uid()), q(Population.VENDOR), q(Population.MODEL),
                    q(FastSchemeHashes.sha256(population.fastSecrets.get(i))));
        });
        insertRows("INSERT INTO client_ids (client_id, device_id) VALUES ", population.fastDevices,
                d -> List.of(q(d.clientId()), d.id()));
    }

    private <T> void insertRows(final String prefix, final List<T> rows, final java.util.function.Function<T,
            List<Object>> values) throws SQLException {
        try (Statement statement = root.createStatement()) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                final StringBuilder sql = new StringBuilder(prefix);
                for (int i = from; i < Math.min(rows.size(), from + BATCH); i++) {
                    sql.append(i == from ? "(" : ",(");
                    final List<Object> row = values.apply(rows.get(i));
                    for (int c = 0; c < row.size(); c++) {
                        sql.append(c == 0 ? "" : ",").append(row.get(c));
                    }
                    sql.append(')');
                }
                statement.executeUpdate(sql.toString());
            }
        }
    }

    /**
     * A generated value as an SQL literal (our own values: letters, digits, {@code @.:$/_-}, and the {@code +=} of a
     * fast hash's base64; nothing that could end the quoted string).
     */
    private static String q(final String value) {
        if (!value.matches("[A-Za-z0-9@.:$/+=_-]*")) {
            throw new IllegalArgumentException("unexpected character in " + value);
        }
        return "'" + value + "'";
    }

    long count(final String table) throws SQLException {
        try (Statement statement = root.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String version() throws SQLException {
        try (Statement statement = root.createStatement(); ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Starts logging every statement to mysql.general_log, empty. */
    void startStatementLog() throws SQLException {
        try (Statement statement = root.createStatement()) {
            statement.execute("SET GLOBAL log_output = 'TABLE'");
            statement.execute("SET GLOBAL general_log = 'ON'");
            statement.execute("TRUNCATE TABLE mysql.general_log");
        }
    }

    /** The extension's statements logged since the last call (or the start of the log). */
    List<String> takeStatements() throws SQLException {
        final List<String> statements = new ArrayList<>();
        try (PreparedStatement statement = root.prepareStatement("SELECT argument, " +
                "DATE_FORMAT(event_time, '%Y-%m-%d %H:%i:%s.%f') FROM mysql.general_log " +
                "WHERE command_type = 'Query' AND user_host LIKE 'app[%' AND event_time > ? ORDER BY event_time")) {
            statement.setString(1, logMark);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                    logMark = rs.getString(2);
                }
            }
        }
        return statements;
    }

    void stopStatementLog() throws SQLException {
        try (Statement statement = root.createStatement()) {
            statement.execute("SET GLOBAL general_log = 'OFF'");
        }
    }

    @Override
    public void close() throws SQLException {
        root.close();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Counted statements of one window. */
    record Counts(Map<StatementKind, Long> byKind, List<String> otherSamples) {

        static Counts of(final List<String> statements) {
            final Map<StatementKind, Long> byKind = new LinkedHashMap<>();
            for (final StatementKind kind : StatementKind.values()) {
                byKind.put(kind, 0L);
            }
            final List<String> other = new ArrayList<>();
            for (final String sql : statements) {
                final StatementKind kind = StatementKind.of(sql);
                byKind.merge(kind, 1L, Long::sum);
                if (kind == StatementKind.OTHER && other.size() < 5) {
                    other.add(sql.length() > 120 ? sql.substring(0, 120) + "..." : sql);
                }
            }
            return new Counts(byKind, other);
        }

        Counts plus(final Counts other) {
            final Map<StatementKind, Long> sum = new LinkedHashMap<>(byKind);
            other.byKind.forEach((k, v) -> sum.merge(k, v, Long::sum));
            final List<String> samples = new ArrayList<>(otherSamples);
            other.otherSamples.stream().limit(Math.max(0, 5 - samples.size())).forEach(samples::add);
            return new Counts(sum, samples);
        }

        long principalLoads() {
            return sum(StatementKind::principalLoad);
        }

        long clientIdStatements() {
            return sum(StatementKind::clientId);
        }

        long other() {
            return byKind.get(StatementKind.OTHER);
        }

        /** Everything except the change feed's polls. */
        long perConnectTotal() {
            return sum(kind -> kind != StatementKind.CHANGE_FEED);
        }

        private long sum(final java.util.function.Predicate<StatementKind> which) {
            return byKind.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(Map.Entry::getValue)
                    .sum();
        }

        String describe() {
            final StringBuilder out = new StringBuilder();
            byKind.forEach((kind, count) -> {
                if (count > 0) {
                    out.append(out.length() == 0 ? "" : ", ").append(kind.label).append(' ').append(count);
                }
            });
            return out.length() == 0 ? "none" : out.toString();
        }
    }
}
