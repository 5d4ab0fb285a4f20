package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 (SECURITY-CASES 38): thousands of random changes in concurrent transactions of random length, some held
 * open so that they commit late and out of seq order, while clients connect, reconnect, leave and drop with their
 * Wills. After each active phase and a quiet period of one poll interval plus a margin, every connected client's
 * effective rights, probed with real SUBSCRIBE and PUBLISH and with probe messages, must be what the DB says; at no
 * time may a message or a Will reach anyone later than that bound after the DB took the right away.
 * <p>
 * Size and seed come from {@code -Dlive.*} (see {@link RandomRunSize}); the seed is printed so that a failure can
 * be replayed (the thread interleaving is not, so a replay draws the same changes but may order them differently).
 * Part of the default {@code mvn verify} at the CI size (12 rounds, about 2,200 changes, 2-3 minutes on 2 cores);
 * {@code bench/live-changes.sh} runs it at any size.
 */
class LiveChangeInvariantIT {

    @Test
    void everyConnectedClientHoldsWhatTheDbSaysAndNothingArrivesLaterThanTheBound() throws Exception {
        final RandomRunSize size = RandomRunSize.fromSystemProperties();
        System.out.println("[live-invariant] seed " + size.seed() + "; replay with " + size.replayLine());
        final RandomPopulation population = new RandomPopulation(size.devices(), size.users());
        final PasswordBook passwords = new PasswordBook();
        final InvariantCounts counts = new InvariantCounts();
        int round = 0;
        try (BrokerWithDatabase env = BrokerWithDatabase.start(db -> population.seed(db, passwords),
                config -> fastFeed(config, size.pollMillis()))) {
            final String debug = System.getProperty("live.debug", "");
            if (!debug.isBlank()) {
                // e.g. -Dlive.debug=com.accountauth.extension.sync: the extension's DEBUG lines in the Maven log
                ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(debug.trim()))
                        .setLevel(ch.qos.logback.classic.Level.DEBUG);
            }
            final DbTimeline timeline;
            try (Connection connection = env.db().rootConnection()) {
                timeline = new DbTimeline(DbState.read(connection));
            }
            try (RandomChangeDriver driver = new RandomChangeDriver(env.db(), population, passwords, timeline, size,
                    counts);
                 ClientChurner churner = new ClientChurner(env.broker().port(), population, passwords, timeline,
                         size, counts);
                 InvariantChecker checker = new InvariantChecker(env.db(), population, timeline, churner, size,
                         counts)) {
                churner.startService();
                final Random random = new Random(size.seed());
                for (final ClientChurner.Slot slot : churner.slots) {
                    churner.connect(slot, random);
                }
                for (round = 1; round <= size.rounds(); round++) {
                    churner.resume();
                    driver.applyBatch(size.changesPerRound());
                    churner.pause();
                    checker.checkpoint(round);
                    System.out.println(counts.roundLine(round));
                }
                checker.finish(round);
            } finally {
                if (!System.getProperty("live.debug", "").isBlank()) {
                    dumpFeed(env);
                }
            }
        } finally {
            System.out.println("[live-invariant] seed " + size.seed() + ", " + (round - 1) + " of " + size.rounds()
                    + " rounds, bound " + size.boundMillis() + " ms (poll " + size.pollMillis() + " ms + margin "
                    + size.marginMillis() + " ms)");
            System.out.println(counts.summary());
            counts.examples().forEach(example -> System.out.println("[live-invariant]   " + example));
        }
        final String replay = " (replay: " + size.replayLine() + ")";
        assertAll(
                () -> assertTrue(counts.changesApplied.get() >= size.totalChanges(),
                        "only " + counts.changesApplied.get() + " changes applied"),
                () -> assertEquals(0, counts.staleGrants(), "stale grants" + replay),
                () -> assertEquals(0, counts.late(), "late deliveries (messages and Wills)" + replay),
                () -> assertEquals(0, counts.missingGrants(), "rights the DB gives but the client lacks" + replay));
    }

    /** Every row of the change feed, to hold against the seqs the extension logged as applied (-Dlive.debug). */
    private static void dumpFeed(final BrokerWithDatabase env) {
        try (Connection connection = env.db().rootConnection();
             java.sql.ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT seq, account_id, device_id, changed_at FROM account_changes ORDER BY seq")) {
            while (rows.next()) {
                System.out.println("[live-feed] " + rows.getLong(1) + " account=" + rows.getObject(2) + " device="
                        + rows.getObject(3) + " at=" + rows.getTimestamp(4));
            }
        } catch (final java.sql.SQLException e) {
            System.out.println("[live-feed] could not read account_changes: " + e);
        }
    }

    /** The shipped config with the test's poll interval and a dummy bcrypt cost like the test's hashes (4). */
    private static String fastFeed(final String config, final long pollMillis) {
        final String poll = "<poll-interval-millis>2000</poll-interval-millis>";
        final String dummyCost = "<dummy-bcrypt-cost>10</dummy-bcrypt-cost>";
        if (!config.contains(poll) || !config.contains(dummyCost)) {
            throw new IllegalStateException("the shipped config.xml no longer has " + poll + " and " + dummyCost);
        }
        return config.replace(poll, "<poll-interval-millis>" + pollMillis + "</poll-interval-millis>")
                .replace(dummyCost, "<dummy-bcrypt-cost>4</dummy-bcrypt-cost>");
    }
}
