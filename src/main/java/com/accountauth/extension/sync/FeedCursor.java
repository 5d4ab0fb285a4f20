package com.accountauth.extension.sync;

import com.accountauth.extension.db.AccountChange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which change-feed seqs this node has read, so that none is lost whatever the commit order. A seq is taken at INSERT
 * and becomes visible at COMMIT, so a row can appear below the highest seq already read: the seqs below that
 * high-water mark not seen yet are kept as open gaps, the feed reads from the lowest one, and a gap is given up after
 * a while (a rolled-back transaction leaves one for ever). Each seq is handed on once.
 * <p>
 * It also notices a feed that went backwards (TRUNCATE, a restore, a failover to a DB with a lower MAX(seq)) or
 * jumped (rows this node had not read were deleted): then nothing it could read says what changed, and the feed
 * resyncs. For that, the shipped statement returns the table's oldest and newest rows besides those after the seq
 * asked for ("bounds"); with a statement that does not, the newest seq is asked for separately where it matters.
 * Pure logic: no JDBC, no clock of its own. Not thread-safe: the feed's one thread uses it.
 */
final class FeedCursor {

    /** More open gaps than this (a huge jump) are not tracked: the lowest are given up at once. */
    static final int MAX_GAPS = 100_000;

    private final long gapTimeoutMillis;
    private final int maxGaps;
    private final TreeMap<Long, Long> gaps = new TreeMap<>(); // seq -> when it was first missed
    private long highWater = -1; // -1: not started
    private boolean statementReturnsBounds;
    private boolean statementLacksBounds;

    FeedCursor(final long gapTimeoutMillis) {
        this(gapTimeoutMillis, MAX_GAPS);
    }

    FeedCursor(final long gapTimeoutMillis, final int maxGaps) {
        this.gapTimeoutMillis = gapTimeoutMillis;
        this.maxGaps = maxGaps;
    }

    boolean started() {
        return highWater >= 0;
    }

    /** Follows the feed from {@code seq} on, forgetting every gap: after start or a resync. */
    void restartAt(final long seq) {
        highWater = seq;
        gaps.clear();
    }

    long highWater() {
        return highWater;
    }

    Set<Long> openGaps() {
        return Set.copyOf(gaps.keySet());
    }

    /** Whether the statement has been seen to return the table's bounds (rows at or below the seq asked for). */
    boolean statementReturnsBounds() {
        return statementReturnsBounds;
    }

    /** The seq to read after: just below the lowest open gap, else the high-water mark. */
    long readFrom() {
        return gaps.isEmpty() ? highWater : gaps.firstKey() - 1;
    }

    /**
     * Judges rows read with {@code seq > after} (plus the table's bounds) without changing anything; a {@link Taken}
     * is {@link #commit committed} once its fresh rows were applied.
     *
     * @param newest    the newest seq, if asked for after an {@link AskNewest}
     */
    Verdict plan(final long after, final List<AccountChange> rows, final OptionalLong newest) {
        final boolean boundsHere = !rows.isEmpty() && rows.get(0).seq() <= after;
        final boolean bounds = statementReturnsBounds || boundsHere;
        final long last = rows.isEmpty() ? -1 : rows.get(rows.size() - 1).seq();
        final boolean anyAfter = last > after;
        boolean lacksBounds = false;
        if (highWater > 0 && last < highWater) {
            final long known;
            if (rows.isEmpty() && bounds) {
                known = 0; // with bounds, no row at all means an empty table
            } else if (!rows.isEmpty() && !anyAfter) {
                known = last; // only the bounds came back: the last is the newest row
            } else if (newest.isPresent()) {
                known = newest.getAsLong();
                lacksBounds = rows.isEmpty() && known == highWater; // the newest exists, but was not returned
            } else {
                return new AskNewest(); // no bounds, or the statement's LIMIT cut the rows off
            }
            if (known < highWater) {
                return new WentBack(known, known == 0 ? "account_changes is empty, it held seq " + highWater
                        : "the newest seq is " + known + ", below " + highWater + " already read");
            }
        }
        final List<AccountChange> fresh = new ArrayList<>();
        final Set<Long> filled = new HashSet<>();
        final List<Long> newGaps = new ArrayList<>();
        long top = Math.max(highWater, 0);
        long untracked = 0;
        for (final AccountChange row : rows) {
            final long seq = row.seq();
            if (seq > top) {
                // rows come in seq order: the seqs between the high-water mark and this row are not visible yet
                final long count = seq - top - 1;
                final long tracked = Math.min(count, maxGaps);
                untracked += count - tracked;
                for (long gap = seq - tracked; gap < seq; gap++) {
                    newGaps.add(gap);
                }
                top = seq;
                fresh.add(row);
            } else if (gaps.containsKey(seq) && filled.add(seq)) {
                fresh.add(row);
            }
        }
        // with bounds, the first row is the oldest in the table: rows above the high-water mark were deleted unread
        final long oldest = rows.isEmpty() ? 0 : rows.get(0).seq();
        final Optional<String> jump = bounds && highWater > 0 && !boundsHere && oldest > highWater + 1
                ? Optional.of("seq " + (highWater + 1) + " to " + (oldest - 1) + " were deleted before this node " +
                "read them")
                : Optional.empty();
        // another page only when this one may have been cut off before the end
        final boolean more = anyAfter && (!fresh.isEmpty() || last < top);
        return new Taken(fresh, jump, more, anyAfter ? last : after, untracked,
                new Update(filled, newGaps, top, boundsHere, lacksBounds));
    }

    /** Whether the statement was seen not to return the table's bounds (an operator's older statement). */
    boolean statementLacksBounds() {
        return statementLacksBounds;
    }

    /** Takes a planned batch after its fresh rows were applied. */
    void commit(final Taken taken, final long now) {
        final Update update = taken.update();
        statementReturnsBounds |= update.boundsHere();
        statementLacksBounds |= update.lacksBounds();
        update.filled().forEach(gaps::remove);
        for (final long gap : update.newGaps()) {
            gaps.putIfAbsent(gap, now);
        }
        highWater = Math.max(highWater, update.highWater());
    }

    /** Gives up gaps older than the timeout, and the lowest ones beyond the most tracked; returns them. */
    List<Long> expireGaps(final long now) {
        final List<Long> expired = new ArrayList<>();
        gaps.entrySet().removeIf(gap -> {
            final boolean old = now - gap.getValue() >= gapTimeoutMillis;
            if (old) {
                expired.add(gap.getKey());
            }
            return old;
        });
        while (gaps.size() > maxGaps) {
            expired.add(gaps.pollFirstEntry().getKey());
        }
        expired.sort(null);
        return expired;
    }

    /** What one read of the feed means. */
    sealed interface Verdict permits Taken, WentBack, AskNewest {
    }

    /**
     * Rows to hand on.
     *
     * @param fresh     rows not handed on before, in seq order
     * @param jump      why the feed jumped, if it did: resync, then commit as usual
     * @param more      whether another page may hold more
     * @param next      the seq to read after on the next page
     * @param untracked skipped seqs beyond the most tracked, given up at once
     */
    record Taken(List<AccountChange> fresh, Optional<String> jump, boolean more, long next, long untracked,
                 Update update) implements Verdict {
    }

    /** The feed went backwards: resync, then {@link #restartAt} {@code newest}. */
    record WentBack(long newest, String why) implements Verdict {
    }

    /** The rows cannot tell whether the feed went backwards: ask for the newest seq and plan again with it. */
    record AskNewest() implements Verdict {
    }

    /** How a {@link Taken} moves the cursor. */
    record Update(Set<Long> filled, List<Long> newGaps, long highWater, boolean boundsHere, boolean lacksBounds) {
    }
}
