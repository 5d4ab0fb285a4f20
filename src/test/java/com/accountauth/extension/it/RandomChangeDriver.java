package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.MariaDbServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Applies random changes to the account DB as admins would, with plain SQL, in concurrent transactions of random
 * length on several connections; some transactions are held open with SLEEP before their COMMIT, so that their
 * change-feed rows (numbered at INSERT) become visible after later ones. COMMITs are serialised, each followed by a
 * read of the DB into the {@link DbTimeline}, so that every committed state is known exactly; the statements
 * themselves run, wait for locks and sleep concurrently.
 */
final class RandomChangeDriver implements AutoCloseable {

    private static final int DEADLOCK = 1213;
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    private record Change(ChangeKind kind, String sql, Object... params) {
    }

    private final RandomPopulation population;
    private final PasswordBook passwords;
    private final DbTimeline timeline;
    private final RandomRunSize size;
    private final InvariantCounts counts;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Random> randoms = new ArrayList<>();
    private final Connection reader;
    private final ExecutorService workers;
    private final Object commitLock = new Object();
    private final List<ChangeKind> kinds = new ArrayList<>();

    RandomChangeDriver(final MariaDbServer db, final RandomPopulation population, final PasswordBook passwords,
                       final DbTimeline timeline, final RandomRunSize size, final InvariantCounts counts)
            throws SQLException {
        this.population = population;
        this.passwords = passwords;
        this.timeline = timeline;
        this.size = size;
        this.counts = counts;
        for (int i = 0; i < size.workers(); i++) {
            final Connection connection = db.rootConnection();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION innodb_lock_wait_timeout = 10");
            }
            connections.add(connection);
            randoms.add(new Random(size.seed() * 31 + i));
        }
        reader = db.rootConnection();
        workers = Executors.newFixedThreadPool(size.workers(), r -> new Thread(r, "random-change-driver"));
        for (final ChangeKind kind : size.kinds()) {
            for (int w = 0; w < kind.weight; w++) {
                kinds.add(kind);
            }
        }
    }

    /** Applies {@code changes} changes (statements that changed a row, in committed transactions); returns when all
     * transactions, held ones too, have ended. */
    void applyBatch(final int changes) throws Exception {
        final AtomicInteger applied = new AtomicInteger();
        final List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < size.workers(); i++) {
            final Connection connection = connections.get(i);
            final Random random = randoms.get(i);
            running.add(workers.submit(() -> {
                while (applied.get() < changes) {
                    applied.addAndGet(oneTransaction(connection, random));
                }
                return null;
            }));
        }
        for (final Future<?> future : running) {
            future.get();
        }
    }

    /** One transaction of 1-3 random statements, maybe held open; the number of changes it committed. */
    private int oneTransaction(final Connection connection, final Random random) throws Exception {
        final int statements = 1 + random.nextInt(3);
        int changed = 0;
        boolean held = false;
        try {
            for (int s = 0; s < statements; s++) {
                final Change change = pick(random, timeline.latest());
                if (change == null) {
                    continue;
                }
                try (PreparedStatement statement = connection.prepareStatement(change.sql())) {
                    for (int p = 0; p < change.params().length; p++) {
                        statement.setObject(p + 1, change.params()[p]);
                    }
                    if (statement.executeUpdate() > 0) {
                        changed++;
                    }
                } catch (final SQLException e) {
                    if (e.getErrorCode() == DEADLOCK || e.getErrorCode() == LOCK_WAIT_TIMEOUT) {
                        throw e;
                    }
                    // e.g. a row another transaction deleted meanwhile: this statement changes nothing, the rest go on
                }
            }
            if (changed > 0 && random.nextInt(100) < size.holdPercent()) {
                // the feed rows of this transaction are numbered now and become visible only after the sleep
                try (PreparedStatement sleep = connection.prepareStatement("SELECT SLEEP(?)")) {
                    sleep.setDouble(1, (100 + random.nextInt(Math.max(1, size.holdMaxMillis() - 100))) / 1000.0);
                    sleep.execute();
                }
                held = true;
            }
            synchronized (commitLock) {
                final long committing = System.nanoTime();
                connection.commit();
                final DbState state = DbState.read(reader);
                timeline.append(committing, System.nanoTime(), state);
            }
            counts.transactionsCommitted.incrementAndGet();
            if (held) {
                counts.transactionsHeld.incrementAndGet();
            }
            counts.changesApplied.addAndGet(changed);
            return changed;
        } catch (final SQLException e) {
            connection.rollback();
            counts.transactionsRolledBack.incrementAndGet();
            return 0;
        }
    }

    private Change pick(final Random random, final DbState state) {
        for (int attempt = 0; attempt < 10; attempt++) {
            final Change change = build(kinds.get(random.nextInt(kinds.size())), random, state);
            if (change != null) {
                return change;
            }
        }
        return null;
    }

    private Change build(final ChangeKind kind, final Random random, final DbState state) {
        final Who user = population.users.get(random.nextInt(population.users.size()));
        final Who device = population.devices.get(random.nextInt(population.devices.size()));
        final long[] pairing = randomPairing(random, state, null);
        return switch (kind) {
            case PAIR -> new Change(kind, "INSERT IGNORE INTO pairings (account_id, device_id, role) VALUES (?,?,?)",
                    user.id(), device.id(), random.nextBoolean() ? "owner" : "viewer");
            case UNPAIR -> pairing == null ? null : new Change(kind,
                    "DELETE FROM pairings WHERE account_id = ? AND device_id = ?", pairing[0], pairing[1]);
            case MOVE_TO_ACCOUNT -> pairing == null || user.id() == pairing[0] ? null : new Change(kind,
                    "UPDATE IGNORE pairings SET account_id = ? WHERE account_id = ? AND device_id = ?", user.id(),
                    pairing[0], pairing[1]);
            case MOVE_TO_DEVICE -> pairing == null || device.id() == pairing[1] ? null : new Change(kind,
                    "UPDATE IGNORE pairings SET device_id = ? WHERE account_id = ? AND device_id = ?", device.id(),
                    pairing[0], pairing[1]);
            case OWNER_TO_VIEWER, VIEWER_TO_OWNER -> {
                final String from = kind == ChangeKind.OWNER_TO_VIEWER ? "owner" : "viewer";
                final long[] withRole = randomPairing(random, state, from);
                yield withRole == null ? null : new Change(kind, "UPDATE pairings SET role = ? WHERE account_id = ? "
                        + "AND device_id = ?", from.equals("owner") ? "viewer" : "owner", withRole[0], withRole[1]);
            }
            case DISABLE_ACCOUNT, ENABLE_ACCOUNT -> {
                final boolean enable = kind == ChangeKind.ENABLE_ACCOUNT;
                final Who target = any(random, population.users, w -> state.exists(w) && state.enabled(w) != enable);
                yield target == null ? null : new Change(kind, "UPDATE accounts SET enabled = ? WHERE id = ?", enable,
                        target.id());
            }
            case DISABLE_DEVICE, ENABLE_DEVICE -> {
                final boolean enable = kind == ChangeKind.ENABLE_DEVICE;
                final Who target = any(random, population.devices, w -> state.exists(w) && state.enabled(w) != enable);
                yield target == null ? null : new Change(kind, "UPDATE devices SET enabled = ? WHERE id = ?", enable,
                        target.id());
            }
            case ACCOUNT_PASSWORD -> state.exists(user) ? new Change(kind,
                    "UPDATE accounts SET password_hash = ? WHERE id = ?", passwords.newHash(user), user.id()) : null;
            case DEVICE_PASSWORD -> state.exists(device) ? new Change(kind,
                    "UPDATE devices SET password_hash = ? WHERE id = ?", passwords.newHash(device), device.id()) : null;
            case DELETE_ACCOUNT -> state.exists(user) ? new Change(kind, "DELETE FROM accounts WHERE id = ?",
                    user.id()) : null;
            case DELETE_DEVICE -> state.exists(device) ? new Change(kind, "DELETE FROM devices WHERE id = ?",
                    device.id()) : null;
            case RECREATE_ACCOUNT -> {
                final Who gone = any(random, population.users, w -> !state.exists(w));
                yield gone == null ? null : new Change(kind,
                        "INSERT IGNORE INTO accounts (id, email, password_hash, role) VALUES (?,?,?,'user')",
                        gone.id(), gone.username(), passwords.newHash(gone));
            }
            case RECREATE_DEVICE -> {
                final Who gone = any(random, population.devices, w -> !state.exists(w));
                yield gone == null ? null : new Change(kind,
                        "INSERT IGNORE INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?,?)",
                        gone.id(), gone.username(), gone.uid(), RandomPopulation.VENDOR, RandomPopulation.MODEL,
                        passwords.newHash(gone));
            }
        };
    }

    /** A random one of those that qualify, or null: so that what is disabled or deleted comes back soon. */
    private static Who any(final Random random, final List<Who> all, final Predicate<Who> qualifies) {
        final List<Who> candidates = all.stream().filter(qualifies).toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    /** A pairing of the state {account id, device id}, with the role if given; null when there is none. */
    private static long[] randomPairing(final Random random, final DbState state, final String role) {
        final List<long[]> all = new ArrayList<>();
        for (final Map.Entry<Long, Map<Long, String>> account : state.pairings.entrySet()) {
            for (final Map.Entry<Long, String> device : account.getValue().entrySet()) {
                if (role == null || role.equals(device.getValue())) {
                    all.add(new long[]{account.getKey(), device.getKey()});
                }
            }
        }
        all.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
    }

    @Override
    public void close() throws SQLException {
        workers.shutdownNow();
        for (final Connection connection : connections) {
            connection.close();
        }
        reader.close();
    }
}
