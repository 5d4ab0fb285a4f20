package com.accountauth.extension.testbroker;

import com.accountauth.extension.config.QuerySettings;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The test broker's H2 (MySQL mode) runs the shipped changes-since statement as MariaDB does: the rows after the
 * seq, plus the table's oldest and newest rows.
 */
class H2ChangesSinceTest {

    @Test
    void theShippedChangesSinceStatementReturnsTheBoundsOnH2() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:changes;MODE=MySQL", "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE account_changes (seq BIGINT NOT NULL AUTO_INCREMENT, " +
                    "account_id BIGINT NULL, device_id BIGINT NULL, PRIMARY KEY (seq))");
            for (int i = 0; i < 20; i++) {
                statement.execute("INSERT INTO account_changes (account_id) VALUES (1)");
            }
            assertEquals(List.of(1L, 20L), seqsAfter(connection, 20));
            assertEquals(List.of(1L, 17L, 18L, 19L, 20L), seqsAfter(connection, 16));
            statement.execute("TRUNCATE TABLE account_changes");
            assertEquals(List.of(), seqsAfter(connection, 20));
        }
    }

    private static List<Long> seqsAfter(final Connection connection, final long after) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(QuerySettings.DEFAULT_CHANGES_SINCE)) {
            statement.setLong(1, after);
            final List<Long> seqs = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong("seq"));
                }
            }
            return seqs;
        }
    }
}
