package com.accountauth.extension.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tallies of one randomized run, what the test prints and asserts on, and the first failures in words so that a
 * red run says what went wrong without a debugger.
 */
final class InvariantCounts {

    private static final int MAX_EXAMPLES = 60;

    // the driver
    final AtomicLong changesApplied = new AtomicLong();
    final AtomicLong transactionsCommitted = new AtomicLong();
    final AtomicLong transactionsHeld = new AtomicLong();
    final AtomicLong transactionsRolledBack = new AtomicLong();
    // the clients
    final AtomicLong connects = new AtomicLong();
    final AtomicLong connectsRefused = new AtomicLong();
    final AtomicLong connectsWithOldPassword = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    final AtomicLong dropsWithWill = new AtomicLong();
    final AtomicLong trafficMessages = new AtomicLong();
    final AtomicLong deliveries = new AtomicLong();
    // the checker
    final AtomicLong probes = new AtomicLong();
    final AtomicLong staleConnections = new AtomicLong();
    final AtomicLong staleConnects = new AtomicLong();
    // accepted on facts that each held within the span, but in no one state together (not a failure: see checker)
    final AtomicLong connectsOnMixedStates = new AtomicLong();
    final AtomicLong deliveriesOnMixedStates = new AtomicLong();
    final AtomicLong missingConnects = new AtomicLong();
    final AtomicLong staleSubscribe = new AtomicLong();
    final AtomicLong stalePublish = new AtomicLong();
    final AtomicLong staleDelivery = new AtomicLong();
    final AtomicLong missingSubscribe = new AtomicLong();
    final AtomicLong missingPublish = new AtomicLong();
    final AtomicLong missingDelivery = new AtomicLong();
    final AtomicLong lateDeliveries = new AtomicLong();
    final AtomicLong willsSeen = new AtomicLong();
    final AtomicLong lateWills = new AtomicLong();

    private final List<String> examples = new ArrayList<>();
    private long examplesLeftOut;

    long staleGrants() {
        return staleConnections.get() + staleConnects.get() + staleSubscribe.get() + stalePublish.get() + staleDelivery.get();
    }

    long missingGrants() {
        return missingConnects.get() + missingSubscribe.get() + missingPublish.get() + missingDelivery.get();
    }

    /** Late deliveries of messages and of Wills together: the "late deliveries". */
    long late() {
        return lateDeliveries.get() + lateWills.get();
    }

    synchronized void example(final int round, final String what) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add("round " + round + ": " + what);
        } else {
            examplesLeftOut++;
        }
    }

    synchronized List<String> examples() {
        final List<String> all = new ArrayList<>(examples);
        if (examplesLeftOut > 0) {
            all.add("... and " + examplesLeftOut + " more");
        }
        return all;
    }

    String roundLine(final int round) {
        return String.format("[live-invariant] round %d: changes %d, probes %d, stale grants %d (connections %d, "
                        + "connects %d, subscribe %d, publish %d, delivery %d), missing grants %d, late deliveries %d, Wills seen %d "
                        + "(late %d)", round, changesApplied.get(), probes.get(), staleGrants(), staleConnections.get(), staleConnects.get(),
                staleSubscribe.get(), stalePublish.get(), staleDelivery.get(), missingGrants(),
                lateDeliveries.get(), willsSeen.get(), lateWills.get());
    }

    String summary() {
        return String.join("\n",
                "[live-invariant] changes applied:     " + changesApplied.get() + " in "
                        + transactionsCommitted.get() + " committed transactions (" + transactionsHeld.get()
                        + " held open before COMMIT, " + transactionsRolledBack.get() + " rolled back)",
                "[live-invariant] clients:             " + connects.get() + " connects (" + connectsRefused.get()
                        + " refused, " + connectsWithOldPassword.get() + " tried with an old password), "
                        + disconnects.get() + " disconnects, " + dropsWithWill.get() + " drops with Will",
                "[live-invariant] traffic:             " + trafficMessages.get() + " messages published, "
                        + deliveries.get() + " deliveries to clients",
                "[live-invariant] probes:              " + probes.get(),
                "[live-invariant] stale grants:        " + staleGrants() + " (still connected " + staleConnections.get()
                        + ", CONNECT accepted " + staleConnects.get()
                        + ", SUBACK granted " + staleSubscribe.get() + ", PUBACK success " + stalePublish.get()
                        + ", probe delivered " + staleDelivery.get() + ")",
                "[live-invariant] missing grants:      " + missingGrants() + " (CONNECT refused " + missingConnects.get()
                        + ", SUBACK refused "
                        + missingSubscribe.get() + ", PUBACK refused " + missingPublish.get() + ", probe not delivered "
                        + missingDelivery.get() + ")",
                "[live-invariant] late deliveries:     " + late() + " (messages " + lateDeliveries.get() + ", Wills "
                        + lateWills.get() + ")",
                "[live-invariant] Wills seen:          " + willsSeen.get(),
                "[live-invariant] CONNECTs accepted on facts of different states within the bound (password in one,"
                        + " Will topic in another; not counted as stale): " + connectsOnMixedStates.get(),
                "[live-invariant] deliveries on facts of different states within the bound (password in one, pairing"
                        + " in another; not counted as late): " + deliveriesOnMixedStates.get());
    }
}
