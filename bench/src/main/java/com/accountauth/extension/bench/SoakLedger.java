package com.accountauth.extension.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the soak promised and what arrived. A message a device published (PUBACK success) to the owner of a pairing
 * that never changes must reach that owner: what is still missing at the end is lost. A message may reach a user only
 * for a device paired to it at some moment within the bound before it arrived (while the DB is down, and for the
 * bound after, from the bound before the outage): anything else is unauthorised, be it a stranger's delivery, another
 * user's device, or a churned pairing absent throughout.
 */
final class SoakLedger {

    /** The state changes of one churned pairing, oldest first: {nanos, 1 = paired / 0 = not}. */
    private final Map<Long, List<long[]>> churned = new ConcurrentHashMap<>();
    /**
     * Message key -> when its PUBACK came (still to arrive), or {@link #ARRIVED_FIRST}: the owner had it before the
     * publisher had its PUBACK (the broker sends both at once).
     */
    private final Map<Long, Long> expected = new ConcurrentHashMap<>();
    private static final long ARRIVED_FIRST = -1;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong unauthorised = new AtomicLong();
    private final List<String> examples = new ArrayList<>();
    private final long boundNanos;
    // the DB outage: a change committed in it (or just before) can only take effect once the DB is back
    private volatile long outageFrom = Long.MAX_VALUE;
    private volatile long outageTo = Long.MIN_VALUE;

    SoakLedger(final long boundMillis) {
        this.boundNanos = TimeUnit.MILLISECONDS.toNanos(boundMillis);
    }

    private static long pair(final int user, final int device) {
        return ((long) user << 32) | device;
    }

    private static long message(final int device, final int seq) {
        return ((long) device << 32) | seq;
    }

    /**
     * The DB was unreachable from {@code from} to {@code to}: connected clients keep their rights meanwhile (the
     * extension's promise), so a delivery up to the bound after it is judged against the states from the bound before
     * the outage on.
     */
    void outage(final long from, final long to) {
        outageFrom = from;
        outageTo = to;
    }

    /**
     * The DB became unreachable at {@code from} and is not back yet: deliveries meanwhile are judged as in the
     * outage (a change committed just before it cannot reach the broker until the DB answers again).
     */
    void outageBegins(final long from) {
        outage(from, Long.MAX_VALUE);
    }

    /** Marks the pairing of user and device as churned, paired from now on. */
    void churnStarts(final int user, final int device) {
        final List<long[]> states = new ArrayList<>();
        states.add(new long[]{System.nanoTime(), 1});
        churned.put(pair(user, device), states);
    }

    /** Records a committed change of a churned pairing, with the time that is most lenient for the check. */
    void churned(final int user, final int device, final boolean paired, final long nanos) {
        final List<long[]> states = churned.get(pair(user, device));
        synchronized (states) {
            states.add(new long[]{nanos, paired ? 1 : 0});
        }
    }

    boolean isChurned(final int user, final int device) {
        return churned.containsKey(pair(user, device));
    }

    /** A message the broker accepted; {@code owner} must receive it unless its pairing is churned ({@code -1}: none). */
    void published(final int device, final int seq, final int owner) {
        published.incrementAndGet();
        if (owner >= 0 && !isChurned(owner, device)) {
            final long now = System.nanoTime();
            expected.compute(message(device, seq), (key, seen) -> seen == null ? Long.valueOf(now) : null);
        }
    }

    /**
     * A message that reached {@code user} ({@code -1}: a stranger, who owns nothing); {@code owner} is the user the
     * device belongs to in the population.
     */
    void delivered(final int user, final int owner, final int device, final int seq, final long nanos) {
        delivered.incrementAndGet();
        if (user >= 0 && user == owner) {
            if (!isChurned(user, device)) {
                // a duplicate (QoS 1 after a reconnect) finds nothing to do
                expected.compute(message(device, seq), (key, pending) -> pending == null ? Long.valueOf(ARRIVED_FIRST)
                        : pending == ARRIVED_FIRST ? pending : null);
                return;
            }
            final long from = nanos - boundNanos < outageTo ? Math.min(nanos, outageFrom) - boundNanos :
                    nanos - boundNanos;
            if (pairedWithin(churned.get(pair(user, device)), from, nanos)) {
                return;
            }
        }
        unauthorised.incrementAndGet();
        synchronized (examples) {
            if (examples.size() < 10) {
                examples.add((user < 0 ? "a stranger" : "user " + user) + " received message " + seq
                        + " of device " + device + " at " + wallClock(nanos) + (user >= 0 && user == owner ?
                        "; the pairing's changes as the churn recorded them: " + history(user, device) : ""));
            }
        }
    }

    private String history(final int user, final int device) {
        final List<long[]> states = churned.get(pair(user, device));
        final StringBuilder out = new StringBuilder();
        synchronized (states) {
            for (final long[] state : states) {
                out.append(state[1] == 1 ? " paired " : " unpaired ").append(wallClock(state[0]));
            }
        }
        return out + (outageTo == Long.MIN_VALUE ? "" : "; DB down from " + wallClock(outageFrom)
                + (outageTo == Long.MAX_VALUE ? ", not back yet" : " to " + wallClock(outageTo)));
    }

    /** A System.nanoTime as the time of day, as the broker's log prints it. */
    private static String wallClock(final long nanos) {
        final long millis = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000;
        return java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(millis), java.time.ZoneId.systemDefault())
                .toString();
    }

    /** Whether the pairing was in force at any moment of [from, to]. */
    private static boolean pairedWithin(final List<long[]> states, final long from, final long to) {
        synchronized (states) {
            boolean inForceAtFrom = false;
            for (final long[] state : states) {
                if (state[0] > to) {
                    break;
                }
                if (state[0] < from) {
                    inForceAtFrom = state[1] == 1;
                } else if (state[1] == 1) {
                    return true;
                }
            }
            return inForceAtFrom;
        }
    }

    long published() {
        return published.get();
    }

    long delivered() {
        return delivered.get();
    }

    long missing() {
        return expected.values().stream().filter(nanos -> nanos != ARRIVED_FIRST).count();
    }

    /**
     * The messages still missing, counted by when they were accepted (in buckets of {@code bucketSeconds} from
     * {@code t0}) and by whether their owner has a churned pairing too: where to look when something is lost.
     */
    java.util.SortedMap<String, Integer> missingByTime(final long t0, final int bucketSeconds,
                                                       final java.util.function.IntPredicate ownerChurns) {
        final java.util.SortedMap<String, Integer> buckets = new java.util.TreeMap<>();
        expected.forEach((key, nanos) -> {
            if (nanos == ARRIVED_FIRST) {
                return;
            }
            final long bucket = (nanos - t0) / TimeUnit.SECONDS.toNanos(bucketSeconds) * bucketSeconds;
            final int device = (int) (key >>> 32);
            final String label = String.format("%04d s%s", bucket, ownerChurns.test(device / 2) ? " (churning owner)"
                    : "");
            buckets.merge(label, 1, Integer::sum);
        });
        return buckets;
    }

    long unauthorised() {
        return unauthorised.get();
    }

    List<String> examples() {
        synchronized (examples) {
            return List.copyOf(examples);
        }
    }
}
