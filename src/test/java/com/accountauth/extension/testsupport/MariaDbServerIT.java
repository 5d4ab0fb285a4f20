package com.accountauth.extension.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** Smoke test for {@link MariaDbServer}: a private MariaDB with conf/schema.sql, reachable as the app user. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class MariaDbServerIT {

    private static MariaDbServer db;

    @BeforeAll
    static void startServer() {
        final Path schema = Path.of(System.getProperty("accountauth.basedir", ".")).resolve("conf/schema.sql");
        assertTrue(Files.isRegularFile(schema), "schema file missing: " + schema.toAbsolutePath());
        final long t0 = System.nanoTime();
        db = MariaDbServer.start(schema);
        System.out.printf("MariaDbServer.start() took %d ms (%s)%n", (System.nanoTime() - t0) / 1_000_000, db);
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
            db.close(); // idempotent
        }
    }

    @Test
    @Order(1)
    void urlAndCredentials() {
        assertTrue(db.jdbcUrl().startsWith("jdbc:mysql://127.0.0.1:" + db.port() + "/accounts?"), db.jdbcUrl());
        assertEquals("app", db.appUser());
        assertEquals("app-secret", db.appPassword());
    }

    @Test
    @Order(2)
    void rowInsertedAsRootIsReadableByAppUser() throws SQLException {
        db.execute("INSERT INTO accounts (email, password_hash, role, enabled) VALUES (?, ?, ?, ?)",
                "reader@x.com", "$2a$10$abcdefghijklmnopqrstuu", "service", true);

        try (Connection app = appConnection();
             PreparedStatement ps = app.prepareStatement(
                     "SELECT email, password_hash, role, enabled FROM accounts WHERE email = ?")) {
            ps.setString(1, "READER@x.com"); // collation utf8mb4_unicode_ci: case-insensitive lookup
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("reader@x.com", rs.getString("email"));
                assertEquals("$2a$10$abcdefghijklmnopqrstuu", rs.getString("password_hash"));
                assertEquals("service", rs.getString("role"));
                assertTrue(rs.getBoolean("enabled"));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    @Order(3)
    void appUserHasOnlyDmlRights() throws SQLException {
        try (Connection app = appConnection(); Statement st = app.createStatement()) {
            assertThrows(SQLException.class, () -> st.execute("DROP TABLE pairings"));
            assertThrows(SQLException.class, () -> st.execute("CREATE TABLE nope (id INT)"));
        }
    }

    @Test
    @Order(4)
    void emailUniquenessIsCaseInsensitive() {
        db.execute("INSERT INTO accounts (email) VALUES (?)", "alice@x.com");
        final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> db.execute("INSERT INTO accounts (email) VALUES (?)", "Alice@x.com"));
        assertInstanceOf(SQLIntegrityConstraintViolationException.class, e.getCause(), e.toString());
    }

    @Test
    @Order(5)
    void checkConstraintsAreEnforced() {
        assertThrows(IllegalStateException.class, () -> db.execute(
                "INSERT INTO devices (mac, uid, vendor, model) VALUES (?, ?, ?, ?)",
                "00:1b:fe:0d:44:21", "uid-lower", "acme", "m1"));
        db.execute("INSERT INTO devices (mac, uid, vendor, model) VALUES (?, ?, ?, ?)",
                "00:1B:FE:0D:44:21", "uid-upper", "acme", "m1");
        assertThrows(IllegalStateException.class,
                () -> db.execute("INSERT INTO accounts (email, role) VALUES (?, ?)", "bad-role@x.com", "admin"));
    }

    @Test
    @Order(6)
    void stopServerMakesConnectionsFailAndStartServerAgainRestoresThem() throws SQLException {
        try (Connection open = appConnection()) {
            db.stopServer();
            db.stopServer(); // idempotent

            // an already open (pooled) connection breaks ...
            assertThrows(SQLException.class, () -> {
                try (Statement st = open.createStatement()) {
                    st.executeQuery("SELECT 1");
                }
            });
        }
        // ... and new ones are refused
        assertThrows(SQLException.class, MariaDbServerIT::appConnection);
        assertThrows(SQLException.class, () -> db.rootConnection().close());

        final long t0 = System.nanoTime();
        db.startServerAgain();
        System.out.printf("MariaDbServer.startServerAgain() took %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        try (Connection app = appConnection();
             Statement st = app.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM accounts WHERE email = 'alice@x.com'")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1), "data survives the restart");
        }
    }

    private static Connection appConnection() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl() + "&connectTimeout=2000", db.appUser(), db.appPassword());
    }
}
