package com.accountauth.extension.sync;

import com.accountauth.extension.config.LiveChangeSettings;
import com.accountauth.extension.db.AccountChange;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.db.ChangeSource;
import com.accountauth.extension.metrics.ExtensionMetrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feed's order of work after an outage long enough to have raised the ERROR: the rows it can read are applied
 * before the resync, so that a known revocation does not wait behind a recompute of every connected client (the
 * soak's 10,000 of them took longer than the bound after the DB came back).
 */
class ChangeFeedTest {

    private static final int ERROR_AFTER_SECONDS = 30;

    /** A feed table in memory that can be switched off, read as the shipped statement reads it. */
    private static final class Table implements ChangeSource {
        final List<AccountChange> rows = new ArrayList<>();
        boolean down;

        @Override
        public List<AccountChange> changesSince(final long seq) throws AccountStoreUnavailableException {
            failIfDown();
            final List<AccountChange> out = new ArrayList<>();
            for (final AccountChange row : rows) {
                if (row.seq() > seq || row == rows.get(0) || row == rows.get(rows.size() - 1)) {
                    out.add(row);
                }
            }
            return out;
        }

        @Override
        public long latestChange() throws AccountStoreUnavailableException {
            failIfDown();
            return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).seq();
        }

        private void failIfDown() throws AccountStoreUnavailableException {
            if (down) {
                throw new AccountStoreUnavailableException("down", null);
            }
        }

        void disable(final long seq, final long accountId) {
            rows.add(new AccountChange(seq, Optional.of(accountId), Optional.empty()));
        }
    }

    private final Table table = new Table();
    private final List<ChangeSet> applied = new ArrayList<>();
    private long now = 1_000_000;
    private final ChangeFeed feed = new ChangeFeed(table, applied::add,
            new LiveChangeSettings(true, 2000, 120, ERROR_AFTER_SECONDS), () -> !table.down, ExtensionMetrics.unread(),
            () -> now);

    private void pollAfter(final long millis) {
        now += millis;
        feed.pollOnce();
    }

    @Test
    void afterALongOutageTheRowsReadAreAppliedBeforeTheResync() {
        table.disable(1, 7);
        pollAfter(0); // starts following at seq 1
        assertTrue(applied.isEmpty());

        table.disable(2, 41); // committed just before the DB went down, not read yet
        table.down = true;
        for (int i = 0; i < 20; i++) {
            pollAfter(2_000); // 40 s without a successful poll: the ERROR is raised
        }
        assertTrue(applied.isEmpty());

        table.down = false;
        pollAfter(2_000);
        assertEquals(2, applied.size(), applied.toString());
        assertEquals(ChangeSet.of(List.of(table.rows.get(1))), applied.get(0), "the known change first");
        assertTrue(applied.get(1).all(), "then the resync");

        pollAfter(2_000);
        assertEquals(2, applied.size(), "one resync per outage, not one per poll");
    }

    @Test
    void aShortOutageAppliesTheRowsWithoutAResync() {
        table.disable(1, 7);
        pollAfter(0);
        table.disable(2, 41);
        table.down = true;
        pollAfter(2_000);
        pollAfter(2_000);
        table.down = false;
        pollAfter(2_000);
        assertEquals(List.of(ChangeSet.of(List.of(table.rows.get(1)))), applied);
        assertFalse(applied.get(0).all());
    }
}
