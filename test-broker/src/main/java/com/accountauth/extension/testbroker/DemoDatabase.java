package com.accountauth.extension.testbroker;

import com.accountauth.extension.testsupport.FastSchemeHashes;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The account DB behind the test broker: creates the tables from the project's conf/schema.sql and inserts the
 * {@link DemoAccounts}.
 * <p>
 * The default is an embedded H2 file DB in MySQL mode. schema.sql is written for MySQL/MariaDB, so for H2 each
 * CREATE TABLE loses its table options (ENGINE, CHARSET, COLLATE), the VARCHAR columns of a table whose
 * collation is case-insensitive ({@code *_ci}, i.e. accounts.email) become VARCHAR_IGNORECASE, as MySQL compares them,
 * and each row trigger ({@code CREATE TRIGGER ... FOR EACH ROW <one statement>}) becomes an {@link H2ChangeTrigger}
 * running the same statement, so the change feed works as with MySQL.
 */
final class DemoDatabase {

    /** The H2 credentials (H2 creates the DB with this user as its admin). */
    static final String H2_USER = "demo";
    static final String H2_PASSWORD = "demo";

    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)^\\s*CREATE\\s+TABLE\\b.*");
    private static final Pattern CASE_INSENSITIVE_COLLATION = Pattern.compile("(?i)COLLATE\\s*=?\\s*\\w+_ci\\b");
    private static final Pattern VARCHAR = Pattern.compile("(?i)\\bVARCHAR\\s*\\(");
    private static final Pattern CREATE_TRIGGER = Pattern.compile(
            "(?is)^\\s*CREATE\\s+TRIGGER\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s+" +
            "((?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+\\w+\\s+FOR\\s+EACH\\s+ROW)\\s+(.+)$");
    private static final Pattern ROW_REFERENCE = Pattern.compile("(?i)\\b(NEW|OLD)\\.(\\w+)");

    /**
     * Columns added to schema.sql after its first release, for a demo DB created before them (CREATE TABLE IF NOT
     * EXISTS leaves an existing table as it is); H2 takes IF NOT EXISTS here, MySQL 8 does not (see the README).
     */
    static final List<String> H2_MIGRATIONS = List.of(
            "ALTER TABLE client_ids ADD COLUMN IF NOT EXISTS last_used_at TIMESTAMP NOT NULL " +
                    "DEFAULT CURRENT_TIMESTAMP",
            "CREATE INDEX IF NOT EXISTS ix_client_ids_last_used ON client_ids (last_used_at)");

    private DemoDatabase() {
    }

    /** The JDBC URL of the H2 DB in {@code folder} (both the launcher and the extension use it). */
    static String h2Url(final Path folder) {
        // AUTO_SERVER: a second process (or a second H2 engine in this JVM, e.g. the H2 Shell) may open it too
        return "jdbc:h2:file:" + folder.toAbsolutePath().resolve("accounts") + ";MODE=MySQL;AUTO_SERVER=TRUE";
    }

    /** Whether the H2 DB in {@code folder} has been created. */
    static boolean h2Exists(final Path folder) {
        return Files.isRegularFile(folder.resolve("accounts.mv.db"));
    }

    /**
     * Brings the H2 DB in {@code folder} up to schema.sql and closes it again. The schema's statements run on every
     * start (they are all IF NOT EXISTS), so tables added to schema.sql later appear in an existing DB too; the demo
     * rows are inserted only when the DB is created.
     *
     * @return whether the DB was created (and seeded)
     */
    static boolean prepareH2(final Path folder, final Path schemaSql) {
        final boolean create = !h2Exists(folder);
        try {
            Files.createDirectories(folder);
            try (Connection connection = DriverManager.getConnection(h2Url(folder), H2_USER, H2_PASSWORD)) {
                execute(connection, "CREATE TABLE IF NOT EXISTS " + H2ChangeTrigger.BODIES_TABLE +
                        " (name VARCHAR(128) PRIMARY KEY, body VARCHAR(4000) NOT NULL, " +
                        "row_refs VARCHAR(1000) NOT NULL)");
                for (final String statement : statements(schemaSql)) {
                    final Matcher trigger = CREATE_TRIGGER.matcher(statement);
                    if (trigger.matches()) {
                        createH2Trigger(connection, trigger);
                    } else {
                        execute(connection, forH2(statement));
                    }
                }
                for (final String migration : H2_MIGRATIONS) {
                    execute(connection, migration);
                }
                if (create) {
                    seed(connection);
                }
            }
            return create;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final SQLException e) {
            throw new IllegalStateException("could not prepare the demo H2 DB in " + folder + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * For {@code --seed} with an external MySQL/MariaDB: runs schema.sql as it is (CREATE TABLE IF NOT EXISTS), then
     * inserts the demo rows that are missing. Existing rows are never changed.
     */
    static void seedExternal(final String jdbcUrl, final String user, final String password, final Path schemaSql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            for (final String statement : statements(schemaSql)) {
                execute(connection, statement);
            }
            seed(connection);
        } catch (final SQLException e) {
            throw new IllegalStateException("could not seed " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /** The statements of an SQL file: '--' comments dropped, split at ';'. */
    static List<String> statements(final Path sqlFile) {
        final String sql;
        try {
            sql = Files.readString(sqlFile);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + sqlFile, e);
        }
        final StringBuilder withoutComments = new StringBuilder();
        for (final String line : sql.split("\\R")) {
            final int comment = line.indexOf("--");
            withoutComments.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        final List<String> statements = new ArrayList<>();
        for (final String statement : withoutComments.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    /** One MySQL statement of schema.sql as H2 (MySQL mode) takes it. */
    static String forH2(final String statement) {
        if (!CREATE_TABLE.matcher(statement).matches()) {
            return statement;
        }
        final int end = statement.lastIndexOf(')');
        final String options = statement.substring(end + 1);
        String body = statement.substring(0, end + 1);
        if (CASE_INSENSITIVE_COLLATION.matcher(options).find()) {
            body = VARCHAR.matcher(body).replaceAll(Matcher.quoteReplacement("VARCHAR_IGNORECASE("));
        }
        return body;
    }

    /**
     * {@code CREATE TRIGGER [IF NOT EXISTS] name AFTER INSERT ON t FOR EACH ROW INSERT INTO x (a) VALUES (NEW.id)}
     * as an H2 trigger: the statement, with NEW.col / OLD.col as parameters, goes into the bodies table.
     */
    private static void createH2Trigger(final Connection connection, final Matcher trigger) throws SQLException {
        final String name = trigger.group(2);
        final String body = trigger.group(4).strip();
        if (body.toUpperCase(Locale.ROOT).startsWith("BEGIN")) {
            throw new SQLException("trigger " + name + ": only single-statement trigger bodies can be run on H2");
        }
        final List<String> references = new ArrayList<>();
        final Matcher reference = ROW_REFERENCE.matcher(body);
        final StringBuilder parameterized = new StringBuilder();
        while (reference.find()) {
            references.add(reference.group(1).toUpperCase(Locale.ROOT) + "." + reference.group(2));
            reference.appendReplacement(parameterized, "?");
        }
        reference.appendTail(parameterized);
        update(connection, "MERGE INTO " + H2ChangeTrigger.BODIES_TABLE + " (name, body, row_refs) KEY (name) " +
                        "VALUES (?, ?, ?)", name.toUpperCase(Locale.ROOT), parameterized.toString(),
                String.join(",", references));
        // an existing trigger reads its (possibly changed) statement when the DB is next opened
        execute(connection, "CREATE TRIGGER IF NOT EXISTS " + name + " " + trigger.group(3) + " CALL '" +
                H2ChangeTrigger.class.getName() + "'");
    }

    /** A jar holding {@link H2ChangeTrigger}, for the extension's H2 engine (it goes next to the H2 jar). */
    static void writeTriggerJar(final Path jar) {
        final String entry = H2ChangeTrigger.class.getName().replace('.', '/') + ".class";
        try (InputStream in = H2ChangeTrigger.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalStateException(entry + " not found on the class path");
            }
            final byte[] bytes = in.readAllBytes();
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                out.putNextEntry(new JarEntry(entry));
                out.write(bytes);
                out.closeEntry();
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + jar, e);
        }
    }

    private static void seed(final Connection connection) throws SQLException {
        for (final DemoAccounts.Account account : DemoAccounts.ACCOUNTS) {
            if (id(connection, "SELECT id FROM accounts WHERE email = ?", account.email()) == null) {
                update(connection, "INSERT INTO accounts (email, password_hash, role, enabled) VALUES (?, ?, ?, TRUE)",
                        account.email(), hash(account.password()), account.role());
            }
        }
        for (final DemoAccounts.Device device : DemoAccounts.DEVICES) {
            if (id(connection, "SELECT id FROM devices WHERE mac = ?", device.mac()) == null) {
                update(connection, "INSERT INTO devices (mac, uid, vendor, model, password_hash, enabled) " +
                                "VALUES (?, ?, ?, ?, ?, TRUE)",
                        device.mac(), device.uid(), device.vendor(), device.model(),
                        device == DemoAccounts.FAST_SCHEME_DEVICE ? fastHash(device.password()) :
                                hash(device.password()));
            }
        }
        for (final DemoAccounts.Pairing pairing : DemoAccounts.PAIRINGS) {
            final Long account = id(connection, "SELECT id FROM accounts WHERE email = ?", pairing.account().email());
            final Long device = id(connection, "SELECT id FROM devices WHERE mac = ?", pairing.device().mac());
            try (PreparedStatement exists = connection.prepareStatement(
                    "SELECT 1 FROM pairings WHERE account_id = ? AND device_id = ?")) {
                exists.setLong(1, account);
                exists.setLong(2, device);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
            }
            update(connection, "INSERT INTO pairings (account_id, device_id, role) VALUES (?, ?, ?)", account, device,
                    pairing.role());
        }
    }

    private static String hash(final String password) {
        return BCrypt.hashpw(password, BCrypt.gensalt(10));
    }

    /** Made here, not by PasswordHasher: the test broker keeps the extension's classes off its class path. */
    private static String fastHash(final String password) {
        return FastSchemeHashes.sha256(password);
    }

    private static Long id(final Connection connection, final String sql, final String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void update(final Connection connection, final String sql, final Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private static void execute(final Connection connection, final String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (final SQLException e) {
            throw new SQLException(e.getMessage() + "\nin: " + sql.toLowerCase(Locale.ROOT).lines().findFirst()
                    .orElse(""), e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
