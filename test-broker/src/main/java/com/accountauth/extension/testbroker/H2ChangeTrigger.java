package com.accountauth.extension.testbroker;

import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The H2 stand-in for one of schema.sql's MySQL row triggers (which fill the change feed, account_changes). H2 runs
 * triggers only as Java classes, so {@link DemoDatabase} stores each MySQL trigger's statement with its NEW./OLD.
 * column references turned into '?' in {@value #BODIES_TABLE}, and creates the H2 trigger of the same name with this
 * class, which looks its statement up by the trigger's name and runs it for every row.
 * <p>
 * The extension's H2 engine (in the extension's class loader) loads this class from a small jar the launcher puts next
 * to the H2 jar; so it must stay a single class file: no nested or anonymous classes.
 * <p>
 * Each parameter is cast to its column's type: H2 cannot type a bare '?' in a SELECT list, and schema.sql's update
 * triggers insert {@code SELECT OLD.x UNION SELECT NEW.x} (the row before and after, once when equal).
 */
public final class H2ChangeTrigger implements Trigger {

    /** Name, statement and column references of every translated trigger. */
    static final String BODIES_TABLE = "test_broker_h2_triggers";

    private String sql;
    private boolean[] fromNewRow;
    private int[] columnIndexes;

    @Override
    public void init(final Connection connection, final String schemaName, final String triggerName,
                     final String tableName, final boolean before, final int type) throws SQLException {
        final String references;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT body, row_refs FROM " + BODIES_TABLE + " WHERE UPPER(name) = ?")) {
            statement.setString(1, triggerName.toUpperCase(Locale.ROOT));
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no statement stored for trigger " + triggerName + " in " + BODIES_TABLE);
                }
                sql = rs.getString(1);
                references = rs.getString(2);
            }
        }
        final String[] refs = references.isEmpty() ? new String[0] : references.split(",");
        fromNewRow = new boolean[refs.length];
        columnIndexes = new int[refs.length];
        final String[] parameterTypes = new String[refs.length];
        for (int i = 0; i < refs.length; i++) {
            final String[] parts = refs[i].split("\\.");
            fromNewRow[i] = parts[0].equalsIgnoreCase("NEW");
            columnIndexes[i] = columnIndex(connection, schemaName, tableName, parts[1]);
            parameterTypes[i] = columnType(connection, schemaName, tableName, parts[1]);
        }
        sql = withTypedParameters(sql, parameterTypes);
    }

    /** The statement with its i-th '?' (a row reference; schema.sql's trigger bodies have no other) cast. */
    private static String withTypedParameters(final String statement, final String[] types) throws SQLException {
        final StringBuilder typed = new StringBuilder();
        int next = 0;
        for (final char c : statement.toCharArray()) {
            if (c == '?') {
                if (next >= types.length) {
                    throw new SQLException("more parameters than row references in: " + statement);
                }
                typed.append("CAST(? AS ").append(types[next++]).append(')');
            } else {
                typed.append(c);
            }
        }
        return typed.toString();
    }

    @Override
    public void fire(final Connection connection, final Object[] oldRow, final Object[] newRow) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < columnIndexes.length; i++) {
                statement.setObject(i + 1, (fromNewRow[i] ? newRow : oldRow)[columnIndexes[i]]);
            }
            statement.executeUpdate();
        }
    }

    private static int columnIndex(final Connection connection, final String schema, final String table,
                                   final String column) throws SQLException {
        try (ResultSet rs = connection.getMetaData().getColumns(null, schema, table, null)) {
            while (rs.next()) {
                if (rs.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                    return rs.getInt("ORDINAL_POSITION") - 1;
                }
            }
        }
        throw new SQLException("table " + table + " has no column " + column);
    }

    private static String columnType(final Connection connection, final String schema, final String table,
                                     final String column) throws SQLException {
        try (ResultSet rs = connection.getMetaData().getColumns(null, schema, table, null)) {
            while (rs.next()) {
                if (rs.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                    return rs.getString("TYPE_NAME");
                }
            }
        }
        throw new SQLException("table " + table + " has no column " + column);
    }
}
