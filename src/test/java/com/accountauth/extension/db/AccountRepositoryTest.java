package com.accountauth.extension.db;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountRepositoryTest {

    @Test
    void anInsertIgnoresCountOfOneMeansItsRowWasInserted() {
        assertTrue(AccountRepository.countsInserts(
                "INSERT IGNORE INTO client_ids (client_id, account_id, device_id) VALUES (?, ?, ?)"));
        assertTrue(AccountRepository.countsInserts("  insert into client_ids VALUES (?, ?, ?)"));
    }

    @Test
    void aBindWhoseCountMayCountAFoundRowIsReadBack() {
        // with the driver's CLIENT_FOUND_ROWS, an existing row that the update leaves alone counts 1 too
        assertFalse(AccountRepository.countsInserts("INSERT INTO client_ids VALUES (?, ?, ?) ON DUPLICATE KEY " +
                "UPDATE client_id = client_id"));
        assertFalse(AccountRepository.countsInserts("INSERT INTO client_ids VALUES (?, ?, ?) on\n  duplicate key " +
                "update client_id = client_id"));
        assertFalse(AccountRepository.countsInserts("CALL bind_client_id(?, ?, ?)"));
    }
}
