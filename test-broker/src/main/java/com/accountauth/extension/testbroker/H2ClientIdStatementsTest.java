package com.accountauth.extension.testbroker;

import com.accountauth.extension.config.QuerySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The test broker's H2 (MySQL mode) takes schema.sql's client_ids with last_used_at, adds the column to a demo DB made
 * before it, and runs the shipped touch, expiry and reservation statements as MariaDB does.
 */
class H2ClientIdStatementsTest {

    private static final Path SCHEMA = Path.of("conf/schema.sql");

    @Test
    void theShippedStatementsExpireOnlyUnusedBindingsAndFindReservedIds(@TempDir final Path folder) throws Exception {
        DemoDatabase.prepareH2(folder, SCHEMA);
        try (Connection connection = open(folder); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO client_ids (client_id, account_id, last_used_at) VALUES " +
                    "('stale', NULL, TIMESTAMPADD(SECOND, -7200, CURRENT_TIMESTAMP)), ('fresh', NULL, DEFAULT), " +
                    "('touched', NULL, TIMESTAMPADD(SECOND, -7200, CURRENT_TIMESTAMP))");
            try (PreparedStatement touch = connection.prepareStatement(QuerySettings.DEFAULT_TOUCH_CLIENT_ID)) {
                touch.setString(1, "touched");
                touch.addBatch();
                touch.setString(1, "no-such-binding");
                touch.addBatch();
                touch.executeBatch();
            }
            try (PreparedStatement expire = connection.prepareStatement(QuerySettings.DEFAULT_EXPIRE_CLIENT_IDS)) {
                expire.setLong(1, 3600);
                assertEquals(1, expire.executeUpdate());
            }
            assertEquals(List.of("fresh", "touched"), strings(connection, "SELECT client_id FROM client_ids " +
                    "ORDER BY client_id"));

            statement.execute("INSERT INTO devices (id, mac, uid, vendor, model) VALUES " +
                    "(900, 'AA:BB:CC:DD:EE:FF', 'UID900', 'v', 'm')");
            assertEquals(List.of("900"), reserving(connection, "AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff"));
            assertEquals(List.of("900"), reserving(connection, "UID900", "UID900"));
            assertEquals(List.of(), reserving(connection, "someone-else", "someone-else"));
        }
    }

    @Test
    void theShippedPrincipalStatementsReadTheOwnerAndReservationOfTheClientIdInOneRow(@TempDir final Path folder)
            throws Exception {
        DemoDatabase.prepareH2(folder, SCHEMA);
        try (Connection connection = open(folder); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO devices (id, mac, uid, vendor, model) VALUES " +
                    "(900, 'AA:BB:CC:DD:EE:FF', 'UID900', 'v', 'm'), (901, 'AA:BB:CC:DD:EE:01', 'UID901', 'v', 'm')");
            statement.execute("INSERT INTO accounts (id, email, role) VALUES (800, 'h2@example.com', 'user')");
            statement.execute("INSERT INTO client_ids (client_id, account_id) VALUES ('h2-phone', 800)");
            // owner, then reservation: a bound id reserved to none; another device's uid, unbound; no such device
            assertEquals(Arrays.asList("800", null, null), principal(connection, QuerySettings.DEFAULT_ACCOUNT_BY_EMAIL,
                    "h2@example.com", "h2-phone", "h2-phone"));
            assertEquals(Arrays.asList(null, null, "901"), principal(connection, QuerySettings.DEFAULT_DEVICE_BY_MAC,
                    "AA:BB:CC:DD:EE:FF", "UID901", "UID901"));
            assertEquals(Arrays.asList(null, null, "900"), principal(connection, QuerySettings.DEFAULT_ACCOUNT_BY_EMAIL,
                    "h2@example.com", "aa-bb-cc-dd-ee-ff", "AA:BB:CC:DD:EE:FF"));
            assertEquals(List.of(), principal(connection, QuerySettings.DEFAULT_DEVICE_BY_MAC,
                    "AA:BB:CC:DD:EE:99", "UID901", "UID901"));
        }
    }

    @Test
    void theShippedPreloadStatementReadsPagesOfDevicesWithTheirClientIds(@TempDir final Path folder)
            throws Exception {
        DemoDatabase.prepareH2(folder, SCHEMA);
        try (Connection connection = open(folder); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO devices (id, mac, uid, vendor, model) VALUES " +
                    "(900, 'AA:BB:CC:DD:EE:00', 'UID900', 'v', 'm'), (901, 'AA:BB:CC:DD:EE:01', 'UID901', 'v', 'm'), " +
                    "(902, 'AA:BB:CC:DD:EE:02', 'UID902', 'v', 'm')");
            statement.execute("INSERT INTO client_ids (client_id, device_id) VALUES ('cam-901-a', 901), " +
                    "('cam-901-b', 901), ('cam-902', 902)");
            // a page is two devices, however many client ids each has; the next page starts after the last id (the
            // schema's demo devices have lower ids)
            assertEquals(List.of("900:null", "901:cam-901-a", "901:cam-901-b"), preloadPage(connection, 899, 2));
            assertEquals(List.of("902:cam-902"), preloadPage(connection, 901, 2));
            assertEquals(List.of(), preloadPage(connection, 902, 2));
        }
    }

    private static List<String> preloadPage(final Connection connection, final long afterId, final int devices)
            throws Exception {
        try (PreparedStatement query = connection.prepareStatement(QuerySettings.DEFAULT_DEVICES_TO_PRELOAD)) {
            query.setLong(1, afterId);
            query.setInt(2, devices);
            final List<String> rows = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong("id") + ":" + rs.getString("client_id"));
                }
            }
            rows.sort(null); // the statement orders by device id only
            return rows;
        }
    }

    @Test
    void aDemoDbFromBeforeLastUsedAtGetsTheColumn(@TempDir final Path folder) throws Exception {
        try (Connection connection = open(folder); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE client_ids (client_id VARCHAR(191) NOT NULL, account_id BIGINT NULL, " +
                    "device_id BIGINT NULL, bound_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
                    "PRIMARY KEY (client_id))");
            statement.execute("INSERT INTO client_ids (client_id) VALUES ('old')");
        }
        DemoDatabase.prepareH2(folder, SCHEMA);
        try (Connection connection = open(folder)) {
            assertEquals(List.of("old"), strings(connection,
                    "SELECT client_id FROM client_ids WHERE last_used_at IS NOT NULL"));
        }
    }

    private static Connection open(final Path folder) throws Exception {
        return DriverManager.getConnection(DemoDatabase.h2Url(folder), DemoDatabase.H2_USER,
                DemoDatabase.H2_PASSWORD);
    }

    private static List<String> reserving(final Connection connection, final String asMac, final String clientId)
            throws Exception {
        try (PreparedStatement query = connection.prepareStatement(
                QuerySettings.DEFAULT_DEVICE_RESERVING_CLIENT_ID)) {
            query.setString(1, asMac);
            query.setString(2, clientId);
            return read(query);
        }
    }

    /** The owner and reservation columns of a principal statement's row; empty when there is no row. */
    private static List<String> principal(final Connection connection, final String sql, final String login,
                                          final String clientId, final String clientIdAsMac) throws Exception {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, login);
            query.setString(2, clientId);
            query.setString(3, clientIdAsMac);
            query.setString(4, clientId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                final List<String> values = new ArrayList<>();
                values.add(rs.getString("client_id_account_id"));
                values.add(rs.getString("client_id_device_id"));
                values.add(rs.getString("client_id_reserved_device_id"));
                return values;
            }
        }
    }

    private static List<String> strings(final Connection connection, final String sql) throws Exception {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            return read(query);
        }
    }

    private static List<String> read(final PreparedStatement query) throws Exception {
        final List<String> values = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
