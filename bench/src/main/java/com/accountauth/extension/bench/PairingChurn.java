package com.accountauth.extension.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unpairs and re-pairs the churned pairings of the soak, one committed statement at a time, as an account-DB admin
 * would; each change goes to the {@link SoakLedger} with the time most lenient for its check (an unpairing after its
 * COMMIT returned, a pairing before it was sent). While the DB is down the changes fail and are counted.
 */
final class PairingChurn implements AutoCloseable {

    private final List<int[]> pairs;
    private final boolean[] paired;
    /** Pairs whose last change failed: it may have committed all the same (the answer was lost), so read it. */
    private final boolean[] unsure;
    private final SoakLedger ledger;
    private final Thread thread;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Connection connection;
    private volatile boolean running = true;

    PairingChurn(final Connection connection, final List<int[]> pairs, final SoakLedger ledger, final int perSecond) {
        this.connection = connection;
        this.pairs = pairs;
        this.paired = new boolean[pairs.size()];
        java.util.Arrays.fill(paired, true);
        this.unsure = new boolean[pairs.size()];
        this.ledger = ledger;
        this.thread = new Thread(() -> run(perSecond), "soak-pairing-churn");
        thread.setDaemon(true);
        if (!pairs.isEmpty()) {
            thread.start();
        }
    }

    /** After the DB came back: a new connection for the changes. */
    void reconnect(final Connection fresh) {
        connection = fresh;
    }

    private void run(final int perSecond) {
        final Random random = new Random(7);
        final long pause = TimeUnit.SECONDS.toMillis(1) / Math.max(1, perSecond);
        while (running) {
            final int i = random.nextInt(pairs.size());
            final int user = pairs.get(i)[0];
            final int device = pairs.get(i)[1];
            try {
                if (unsure[i]) {
                    paired[i] = isPaired(user, device);
                    unsure[i] = false;
                    ledger.churned(user, device, paired[i], System.nanoTime());
                }
                if (paired[i]) {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM pairings WHERE account_id = ? AND device_id = ?")) {
                        delete.setLong(1, user + 1L);
                        delete.setLong(2, device + 1L);
                        delete.executeUpdate();
                    }
                    ledger.churned(user, device, false, System.nanoTime());
                } else {
                    ledger.churned(user, device, true, System.nanoTime());
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO pairings (account_id, device_id, role) VALUES (?, ?, 'owner')")) {
                        insert.setLong(1, user + 1L);
                        insert.setLong(2, device + 1L);
                        insert.executeUpdate();
                    }
                }
                paired[i] = !paired[i];
                committed.incrementAndGet();
            } catch (final SQLException e) {
                // the change may or may not have committed: paired as far as the check knows, until read again
                ledger.churned(user, device, true, System.nanoTime());
                unsure[i] = true;
                failed.incrementAndGet();
            }
            try {
                Thread.sleep(pause);
            } catch (final InterruptedException e) {
                return;
            }
        }
    }

    private boolean isPaired(final int user, final int device) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM pairings WHERE account_id = ? AND device_id = ?")) {
            select.setLong(1, user + 1L);
            select.setLong(2, device + 1L);
            try (java.sql.ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    long committed() {
        return committed.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
