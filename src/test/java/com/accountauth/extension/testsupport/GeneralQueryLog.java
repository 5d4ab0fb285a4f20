package com.accountauth.extension.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * MariaDB's general query log (log_output=TABLE), read as root: every statement a DB user sent, as the server
 * received it. MySQL Connector/J sends a prepared statement as text with its values filled in (no server-side
 * prepare by default), so each execution is one row of command type 'Query'.
 */
public final class GeneralQueryLog implements AutoCloseable {

    // the driver's own set-up of a new pool connection: not a query of the extension
    private static final Pattern CONNECTION_SETUP =
            Pattern.compile("(/\\*.*?\\*/)?\\s*(set\\s|show\\s|select\\s+@@).*", Pattern.DOTALL);

    private final Connection root;

    private GeneralQueryLog(final Connection root) {
        this.root = root;
    }

    /** Turns the log on, empty. */
    public static GeneralQueryLog start(final MariaDbServer db) {
        try {
            final GeneralQueryLog log = new GeneralQueryLog(db.rootConnection());
            try (Statement statement = log.root.createStatement()) {
                statement.execute("SET GLOBAL log_output = 'TABLE'");
                statement.execute("SET GLOBAL general_log = 'ON'");
            }
            log.clear();
            return log;
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot turn on MariaDB's general query log: " + e.getMessage(), e);
        }
    }

    /** Forgets everything logged so far. */
    public void clear() {
        try (Statement statement = root.createStatement()) {
            statement.execute("TRUNCATE TABLE mysql.general_log");
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot empty the general query log: " + e.getMessage(), e);
        }
    }

    /** The statements {@code user} sent since the last {@link #clear()}, oldest first. */
    public List<String> statementsOf(final String user) {
        final List<String> statements = new ArrayList<>();
        try (PreparedStatement statement = root.prepareStatement("SELECT argument FROM mysql.general_log " +
                "WHERE command_type = 'Query' AND user_host LIKE ? ORDER BY event_time")) {
            statement.setString(1, user + "[%");
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot read the general query log: " + e.getMessage(), e);
        }
        return statements;
    }

    /**
     * What {@code user} asked of the DB since the last {@link #clear()} for the extension's own work: change-feed
     * polls and the driver's set-up of a new pool connection are left out; anything else counts.
     */
    public List<String> extensionStatementsOf(final String user) {
        final List<String> statements = new ArrayList<>();
        for (final String sql : statementsOf(user)) {
            final StatementKind kind = StatementKind.of(sql);
            if (kind != StatementKind.CHANGE_FEED && !(kind == StatementKind.OTHER
                    && CONNECTION_SETUP.matcher(sql.toLowerCase(Locale.ROOT)).matches())) {
                statements.add(sql);
            }
        }
        return statements;
    }

    /** Turns the log off. */
    @Override
    public void close() {
        try (Connection connection = root; Statement statement = connection.createStatement()) {
            statement.execute("SET GLOBAL general_log = 'OFF'");
        } catch (final SQLException ignored) {
            // the server may be gone already
        }
    }
}
