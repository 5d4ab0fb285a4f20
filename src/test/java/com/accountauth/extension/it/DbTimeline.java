package com.accountauth.extension.it;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Every state the account DB went through, in commit order: the driver commits one transaction at a time and reads
 * the DB right after, so each committed state is read exactly, with the time its COMMIT was sent and the time it was
 * read back. A state may have been in force from its COMMIT until the next state was read back; the checker gives
 * each state that whole span, so that it never blames the extension for what the DB could still have allowed.
 */
final class DbTimeline {

    private record Entry(long committingNanos, long readNanos, DbState state) {
    }

    private final List<Entry> entries = new ArrayList<>();

    DbTimeline(final DbState initial) {
        entries.add(new Entry(Long.MIN_VALUE, System.nanoTime(), initial));
    }

    synchronized void append(final long committingNanos, final long readNanos, final DbState state) {
        entries.add(new Entry(committingNanos, readNanos, state));
    }

    synchronized DbState latest() {
        return entries.get(entries.size() - 1).state();
    }

    private long end(final int index) {
        return index + 1 < entries.size() ? entries.get(index + 1).readNanos() : Long.MAX_VALUE;
    }

    /** True when some state that may have been in force at some time in [from, to] satisfies the condition. */
    synchronized boolean anyDuring(final long fromNanos, final long toNanos, final Predicate<DbState> condition) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            final Entry entry = entries.get(i);
            if (end(i) < fromNanos) {
                break;
            }
            if (entry.committingNanos() <= toNanos && condition.test(entry.state())) {
                return true;
            }
        }
        return false;
    }

    /** When the last state satisfying the condition before {@code beforeNanos} ended, if one is still kept. */
    synchronized OptionalLong lastEndBefore(final long beforeNanos, final Predicate<DbState> condition) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            final Entry entry = entries.get(i);
            if (entry.committingNanos() <= beforeNanos && condition.test(entry.state())) {
                return OptionalLong.of(end(i));
            }
        }
        return OptionalLong.empty();
    }

    /** Forgets states that ended before the time (the newest one stays). */
    synchronized void forgetEndedBefore(final long nanos) {
        int drop = 0;
        while (drop + 1 < entries.size() && end(drop) < nanos) {
            drop++;
        }
        entries.subList(0, drop).clear();
    }

    /**
     * The states that may have been in force at some time in [from, to], one line each with the wall-clock times of
     * their COMMIT and read-back and what {@code describe} says of them, a run of states it says the same of in one
     * line: for tracing a failure against the broker's log.
     */
    synchronized List<String> describeDuring(final long fromNanos, final long toNanos,
                                             final java.util.function.Function<DbState, String> describe) {
        final List<String> lines = new ArrayList<>();
        String previous = null;
        int repeated = 0;
        String firstOfRun = null;
        for (int i = 0; i < entries.size(); i++) {
            final Entry entry = entries.get(i);
            if (end(i) >= fromNanos && entry.committingNanos() <= toNanos) {
                final String said = describe.apply(entry.state());
                if (said.equals(previous)) {
                    repeated++;
                    continue;
                }
                if (previous != null) {
                    lines.add(firstOfRun + (repeated > 0 ? " (and " + repeated + " later states alike)" : ""));
                }
                previous = said;
                repeated = 0;
                firstOfRun = "committed " + (entry.committingNanos() == Long.MIN_VALUE ? "at start" :
                        wallClock(entry.committingNanos())) + ", read " + wallClock(entry.readNanos()) + ": " + said;
            }
        }
        if (previous != null) {
            lines.add(firstOfRun + (repeated > 0 ? " (and " + repeated + " later states alike)" : ""));
        }
        return lines;
    }

    /** A System.nanoTime as the time of day, as the broker's log prints it. */
    static String wallClock(final long nanos) {
        final long millis = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000;
        return java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(millis), java.time.ZoneId.systemDefault())
                .toString();
    }

    synchronized int size() {
        return entries.size();
    }
}
