package com.accountauth.extension.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private, throw-away MariaDB server for integration tests.
 * <p>
 * Uses the locally installed MariaDB binaries ({@code mariadbd}, {@code mariadb-install-db}; Debian package
 * {@code mariadb-server}) - no Docker. Every instance gets its own temp dir (data dir, socket, pid file, logs) and a
 * free TCP port on 127.0.0.1; the system's MariaDB/MySQL installation, its config files and its data dir are never
 * touched ({@code --no-defaults}).
 * <pre>{@code
 * try (MariaDbServer db = MariaDbServer.start(Path.of("conf/schema.sql"))) {
 *     db.execute("INSERT INTO accounts (email, password_hash) VALUES (?, ?)", "a@x.com", hash);
 *     // point the extension at db.jdbcUrl() with db.appUser() / db.appPassword()
 * }
 * }</pre>
 */
public final class MariaDbServer implements AutoCloseable {

    private static final String DATABASE = "accounts";
    private static final String APP_USER = "app";
    private static final String APP_PASSWORD = "app-secret";
    private static final String ROOT_USER = "root";
    /** What MySQL Connector/J 9.x needs to talk to a local MariaDB without TLS / RSA key exchange fuss. */
    private static final String URL_OPTIONS = "?useSSL=false&allowPublicKeyRetrieval=true";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String MISSING_BINARIES =
            "MariaDB server binaries not found: install mariadb-server (see README)";

    private final Path serverBinary;
    private final Path baseDir;
    private final Path dataDir;
    private final Path serverLog;
    private final int port;
    private final Thread shutdownHook;

    private Process process; // guarded by this
    private boolean closed; // guarded by this

    private MariaDbServer(final Path serverBinary, final Path baseDir, final int port) {
        this.serverBinary = serverBinary;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.serverLog = baseDir.resolve("mariadbd.log");
        this.port = port;
        this.shutdownHook = new Thread(this::emergencyStop, "mariadb-it-shutdown-" + port);
    }

    /**
     * Starts a fresh server in a new temp dir, creates database {@code accounts}, runs the SQL file at
     * {@code schemaSql} (split on ';' at line ends; '--' comment lines skipped) and creates user 'app'@'%' /
     * 'app'@'127.0.0.1' with password "app-secret" granted SELECT, INSERT, UPDATE, DELETE on accounts.*.
     *
     * @throws IllegalStateException if the MariaDB binaries are missing, or the server does not come up within 60 s
     *                               (the message then contains the server's log)
     */
    public static MariaDbServer start(final Path schemaSql) {
        final Path serverBinary = findBinary("mariadbd", "mysqld");
        final Path installDb = findBinary("mariadb-install-db", "mysql_install_db");
        if (serverBinary == null || installDb == null) {
            throw new IllegalStateException(MISSING_BINARIES);
        }
        final List<String> schemaStatements = readSqlStatements(schemaSql);

        final Path baseDir;
        try {
            baseDir = Files.createTempDirectory("mariadb-it-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for MariaDB", e);
        }
        MariaDbServer server = null;
        try {
            installDataDir(installDb, baseDir);
            // the port is picked before the server binds it; if someone else grabs it meanwhile, try another one
            for (int attempt = 1; ; attempt++) {
                server = new MariaDbServer(serverBinary, baseDir, HiveMqLauncher.freePort());
                Runtime.getRuntime().addShutdownHook(server.shutdownHook);
                try {
                    server.launch();
                    break;
                } catch (final IllegalStateException e) {
                    final boolean portTaken = server.readLog().contains("Address already in use");
                    server.stopServer();
                    removeShutdownHook(server.shutdownHook);
                    if (!portTaken || attempt >= 3) {
                        server = null;
                        throw e;
                    }
                    Files.deleteIfExists(server.serverLog);
                }
            }
            server.initialiseDatabase(schemaStatements);
            return server;
        } catch (final RuntimeException | Error e) {
            if (server != null) {
                server.close();
            } else {
                Folders.deleteQuietly(baseDir);
            }
            throw e;
        } catch (final IOException e) {
            Folders.deleteQuietly(baseDir);
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:mysql://127.0.0.1:<port>/accounts?...} for MySQL Connector/J. */
    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE + URL_OPTIONS;
    }

    public String appUser() {
        return APP_USER;
    }

    public String appPassword() {
        return APP_PASSWORD;
    }

    /** A new connection as root (empty password) to database {@code accounts}, autocommit on. Close it. */
    public Connection rootConnection() throws SQLException {
        final Connection connection = DriverManager.getConnection(jdbcUrl(), ROOT_USER, "");
        connection.setAutoCommit(true);
        return connection;
    }

    /** Runs one parameterised statement as root; an {@link SQLException} becomes an {@link IllegalStateException}. */
    public void execute(final String sql, final Object... params) {
        try (Connection connection = rootConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        } catch (final SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server (SIGTERM, then waits for it to exit) so tests can simulate "DB down". Idempotent. */
    public synchronized void stopServer() {
        final Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        p.destroy(); // SIGTERM: mariadbd shuts down cleanly
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (final InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the server (SIGKILL: no clean shutdown, InnoDB recovers on the next start), as a crash would. */
    public synchronized void killServer() {
        final Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        p.destroyForcibly();
        try {
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the server again on the same port and data dir after {@link #stopServer()}. */
    public synchronized void startServerAgain() {
        if (closed) {
            throw new IllegalStateException("MariaDB server already closed");
        }
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("MariaDB server is still running");
        }
        launch();
    }

    /** Stops the server (forcibly after 20 s) and deletes its temp dir. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopServer();
        }
        removeShutdownHook(shutdownHook);
        Folders.deleteQuietly(baseDir);
    }

    @Override
    public String toString() {
        return "MariaDbServer[127.0.0.1:" + port + ", " + baseDir + "]";
    }

    // ------------------------------------------------------------------------------------------------------------

    private static void installDataDir(final Path installDb, final Path baseDir) throws IOException {
        final Path log = baseDir.resolve("install-db.log");
        final List<String> command = new ArrayList<>(List.of(
                installDb.toString(),
                "--no-defaults", // must be first: no /etc/mysql/my.cnf, no ~/.my.cnf
                "--user=" + System.getProperty("user.name"),
                "--datadir=" + baseDir.resolve("data"),
                "--auth-root-authentication-method=normal", // root@localhost/127.0.0.1 with an empty password
                "--skip-test-db",
                "--skip-name-resolve"));
        command.addAll(commonServerOptions());
        final Process p = new ProcessBuilder(command)
                .directory(baseDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish within " + START_TIMEOUT.toSeconds()
                        + " s; its output:\n" + readTail(log));
            }
        } catch (final InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running mariadb-install-db", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed with exit code " + p.exitValue()
                    + "; its output:\n" + readTail(log));
        }
    }

    /** Options for both mariadb-install-db (passed on to the bootstrap server) and mariadbd. */
    private static List<String> commonServerOptions() {
        return List.of(
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                "--innodb-log-file-size=8M",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci");
    }

    private synchronized void launch() {
        final List<String> command = new ArrayList<>(List.of(
                serverBinary.toString(),
                "--no-defaults", // must be first
                "--user=" + System.getProperty("user.name"),
                "--datadir=" + dataDir,
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + dataDir.resolve("mysqld.sock"),
                "--pid-file=" + dataDir.resolve("mysqld.pid"),
                "--skip-name-resolve"));
        command.addAll(commonServerOptions());
        try {
            process = new ProcessBuilder(command)
                    .directory(baseDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
        } catch (final IOException e) {
            throw new IllegalStateException("cannot start " + serverBinary + ": " + e.getMessage(), e);
        }
        awaitReady(process);
    }

    /** Polls with JDBC connections until the server answers, it dies, or 60 s are up. */
    private void awaitReady(final Process p) {
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        final String url = "jdbc:mysql://127.0.0.1:" + port + "/" + URL_OPTIONS + "&connectTimeout=2000";
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("MariaDB server exited with code " + p.exitValue()
                        + " during start-up; its log (" + serverLog + "):\n" + readTail(serverLog));
            }
            try (Connection ignored = DriverManager.getConnection(url, ROOT_USER, "")) {
                return;
            } catch (final SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for MariaDB", e);
            }
        }
        throw new IllegalStateException("MariaDB server did not accept connections on 127.0.0.1:" + port + " within "
                + START_TIMEOUT.toSeconds() + " s (last error: " + (last == null ? "-" : last.getMessage())
                + "); its log (" + serverLog + "):\n" + readTail(serverLog), last);
    }

    private void initialiseDatabase(final List<String> schemaStatements) {
        final String bootstrapUrl = "jdbc:mysql://127.0.0.1:" + port + "/" + URL_OPTIONS;
        try (Connection connection = DriverManager.getConnection(bootstrapUrl, ROOT_USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            statement.execute("USE " + DATABASE);
            for (final String sql : schemaStatements) {
                try {
                    statement.execute(sql);
                } catch (final SQLException e) {
                    throw new IllegalStateException("MariaDB rejected a schema statement: " + e.getMessage()
                            + "\n--- statement ---\n" + sql, e);
                }
            }
            for (final String host : List.of("%", "127.0.0.1")) {
                final String user = "'" + APP_USER + "'@'" + host + "'";
                statement.execute("CREATE USER " + user + " IDENTIFIED BY '" + APP_PASSWORD + "'");
                statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + DATABASE + ".* TO " + user);
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot initialise the MariaDB test database: " + e.getMessage(), e);
        }
    }

    /** Splits on ';' at line ends; lines starting with '--' and blank lines are skipped. */
    static List<String> readSqlStatements(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read schema file " + file, e);
        }
        final List<String> statements = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (final String line : lines) {
            final String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                final String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1).strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static Path findBinary(final String... names) {
        final List<Path> dirs = new ArrayList<>();
        final String path = System.getenv("PATH");
        if (path != null) {
            for (final String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Paths.get(dir));
                }
            }
        }
        // mariadbd lives in sbin, which is often not on a normal user's PATH
        for (final String dir : List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin",
                "/usr/local/mysql/bin", "/opt/homebrew/bin", "/opt/homebrew/sbin")) {
            dirs.add(Paths.get(dir));
        }
        for (final String name : names) {
            for (final Path dir : dirs) {
                final Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Shutdown hook: the JVM is going down without close() having been called. */
    private void emergencyStop() {
        final Process p;
        synchronized (this) {
            p = process;
            process = null;
        }
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (final InterruptedException e) {
                p.destroyForcibly();
            }
        }
        Folders.deleteQuietly(baseDir);
    }

    private static void removeShutdownHook(final Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException | IllegalArgumentException ignored) {
            // the JVM is already shutting down (the hook runs itself), or it was never registered
        }
    }

    private String readLog() {
        return readTail(serverLog);
    }

    private static String readTail(final Path file) {
        try {
            if (!Files.exists(file)) {
                return "(no log written)";
            }
            // lenient decoding: a log is not guaranteed to be valid UTF-8
            final List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            final int from = Math.max(0, lines.size() - 200);
            return String.join("\n", lines.subList(from, lines.size()));
        } catch (final IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
