package com.accountauth.extension.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlParametersTest {

    @Test
    void countsEveryQuestionMarkOfTheStatement() {
        assertEquals(0, SqlParameters.count("SELECT COALESCE(MAX(seq), 0) AS seq FROM account_changes"));
        assertEquals(1, SqlParameters.count(QuerySettings.DEFAULT_CLIENT_ID_OWNER));
        assertEquals(2, SqlParameters.count("SELECT d.id FROM (SELECT id FROM devices WHERE mac = ?) d " +
                "LEFT JOIN client_ids c ON c.client_id = ?"));
        assertEquals(3, SqlParameters.count(QuerySettings.DEFAULT_BIND_CLIENT_ID));
        assertEquals(2, SqlParameters.count("SELECT 1 FROM t WHERE a=?AND b=?"));
    }

    @Test
    void questionMarksInQuotedTextAreNotParameters() {
        assertEquals(1, SqlParameters.count("SELECT id FROM devices WHERE mac = ? AND note <> 'why?'"));
        assertEquals(1, SqlParameters.count("SELECT `who?` FROM t WHERE a = ? AND b = \"?\""));
        assertEquals(1, SqlParameters.count("SELECT 'it''s ?', 'a \\' ?' FROM t WHERE a = ?"));
        assertEquals(1, SqlParameters.count("SELECT `a``?` FROM t WHERE a = ?"));
        assertEquals(0, SqlParameters.count("SELECT 'never closed ?"));
    }

    @Test
    void questionMarksInCommentsAreNotParameters() {
        assertEquals(1, SqlParameters.count("SELECT id FROM devices -- which one?\nWHERE mac = ?"));
        assertEquals(1, SqlParameters.count("SELECT id FROM devices # which one?\nWHERE mac = ?"));
        assertEquals(1, SqlParameters.count("SELECT /* which one? */ id FROM devices WHERE mac = ?"));
        assertEquals(2, SqlParameters.count("SELECT 1--?\nFROM t WHERE a = ?"), "'--' without a space is minus minus");
    }
}
