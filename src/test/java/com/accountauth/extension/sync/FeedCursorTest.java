package com.accountauth.extension.sync;

import com.accountauth.extension.db.AccountChange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cursor against a simulated account_changes table read as the shipped statement reads it: the rows after the
 * seq asked for, plus the table's oldest and newest rows, in seq order, at most {@link #LIMIT}.
 */
class FeedCursorTest {

    private static final long TIMEOUT = 120_000;
    private static final int LIMIT = 1000;

    private final TreeSet<Long> table = new TreeSet<>();
    private final FeedCursor cursor = new FeedCursor(TIMEOUT);
    private long now = 1_000;

    // ---- commit order ----

    @Test
    void aChangeThatCommitsAfterALaterOneIsStillHandedOn() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(12, 12); // 11 is taken by a transaction still open
        assertEquals(List.of(12L), poll());
        assertEquals(Set.of(11L), cursor.openGaps());
        assertEquals(10, cursor.readFrom(), "reads from just below the open gap");

        commit(11, 11);
        assertEquals(List.of(11L), poll());
        assertEquals(Set.of(), cursor.openGaps());
        assertEquals(12, cursor.readFrom());
    }

    @Test
    void rowsReadAgainFromBelowAGapAreNotHandedOnTwice() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(12, 14);
        assertEquals(List.of(12L, 13L, 14L), poll());
        commit(15, 15);
        // 12..14 come back with 15 (read from below gap 11): only 15 is new
        assertEquals(List.of(15L), poll());
        assertEquals(List.of(), poll());
    }

    @Test
    void aBatchNotCommittedIsHandedOnAgain() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(11, 12);
        final FeedCursor.Taken first = taken(cursor.plan(10, read(10), OptionalLong.empty()));
        assertEquals(List.of(11L, 12L), seqs(first.fresh())); // applying it failed: not committed
        final FeedCursor.Taken again = taken(cursor.plan(10, read(10), OptionalLong.empty()));
        assertEquals(List.of(11L, 12L), seqs(again.fresh()));
    }

    @Test
    void aGapIsGivenUpAfterTheTimeoutAndThenNoLongerHoldsTheReadBack() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(12, 12); // 11 rolled back: it never appears
        poll();
        now += TIMEOUT - 1;
        assertEquals(List.of(), cursor.expireGaps(now));
        assertEquals(10, cursor.readFrom());
        now += 1;
        assertEquals(List.of(11L), cursor.expireGaps(now));
        assertEquals(12, cursor.readFrom());
        assertEquals(Set.of(), cursor.openGaps());
    }

    @Test
    void onlyTheNewestGapsAreTrackedWhenVeryManyAreSkipped() {
        final FeedCursor small = new FeedCursor(TIMEOUT, 5);
        small.restartAt(1);
        final FeedCursor.Taken taken = taken(small.plan(1, rows(100), OptionalLong.empty()));
        small.commit(taken, now);
        assertEquals(Set.of(95L, 96L, 97L, 98L, 99L), small.openGaps());
        assertEquals(93, taken.untracked());
    }

    @Test
    void aLongBacklogIsReadPageByPage() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(11, 2600);
        final List<Long> seen = pollAllPages();
        assertEquals(LongStream.rangeClosed(11, 2600).boxed().toList(), seen);
    }

    @Test
    void aGapFilledBehindAFullPageIsStillFound() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(12, 3000); // 11 open; 2,989 rows above it
        pollAllPages();
        commit(11, 11);
        // from 10, the first page (LIMIT) ends far below the high-water mark: not taken for a feed gone back
        assertEquals(List.of(11L), pollAllPages());
    }

    // ---- backwards ----

    @Test
    void aTruncatedTableThatGrewAgainBelowTheHighWaterMarkIsSeenAsGoneBack() {
        commit(1, 50);
        cursor.restartAt(50);
        poll(); // learns that the statement returns the bounds
        table.clear(); // TRUNCATE: AUTO_INCREMENT starts again
        commit(1, 3);
        final FeedCursor.WentBack back = assertInstanceOf(FeedCursor.WentBack.class,
                cursor.plan(50, read(50), OptionalLong.empty()));
        assertEquals(3, back.newest());
    }

    @Test
    void anEmptyTableAfterANonEmptyOneIsSeenAsGoneBack() {
        commit(1, 50);
        cursor.restartAt(50);
        poll();
        table.clear();
        final FeedCursor.WentBack back = assertInstanceOf(FeedCursor.WentBack.class,
                cursor.plan(50, read(50), OptionalLong.empty()));
        assertEquals(0, back.newest());
    }

    @Test
    void aFeedGoneBackAboveTheLowestGapIsFoundByAskingForTheNewest() {
        commit(1, 38);
        cursor.restartAt(38);
        commit(40, 50); // 39 open
        poll();
        table.clear(); // failover to a DB that has only up to 45
        commit(1, 45);
        final List<AccountChange> rows = read(cursor.readFrom());
        assertInstanceOf(FeedCursor.AskNewest.class, cursor.plan(38, rows, OptionalLong.empty()));
        final FeedCursor.WentBack back = assertInstanceOf(FeedCursor.WentBack.class,
                cursor.plan(38, rows, OptionalLong.of(45)));
        assertEquals(45, back.newest());
    }

    @Test
    void restartingForgetsTheGaps() {
        commit(1, 10);
        cursor.restartAt(10);
        commit(12, 12);
        poll();
        cursor.restartAt(3);
        assertEquals(Set.of(), cursor.openGaps());
        assertEquals(3, cursor.readFrom());
    }

    // ---- jump ----

    @Test
    void rowsDeletedBeforeThisNodeReadThemAreSeenAsAJump() {
        commit(1, 100);
        cursor.restartAt(100);
        poll();
        commit(101, 510);
        table.headSet(500L, true).clear(); // purged while this node could not read
        final FeedCursor.Taken taken = taken(cursor.plan(100, read(100), OptionalLong.empty()));
        assertTrue(taken.jump().isPresent());
        assertTrue(taken.jump().get().contains("seq 101 to 500"), taken.jump().get());
    }

    @Test
    void rowsPurgedThatThisNodeHadReadAreNoJump() {
        commit(1, 100);
        cursor.restartAt(100);
        poll();
        table.headSet(100L, false).clear(); // only the newest row is kept
        commit(101, 105);
        assertEquals(Optional.empty(), taken(cursor.plan(100, read(100), OptionalLong.empty())).jump());
    }

    @Test
    void aFirstChangeStillOpenIsNoJump() {
        cursor.restartAt(0);
        commit(2, 2); // 1 open on an empty table
        final FeedCursor.Taken taken = taken(cursor.plan(0, read(0), OptionalLong.empty()));
        assertEquals(Optional.empty(), taken.jump());
        cursor.commit(taken, now);
        assertEquals(Set.of(1L), cursor.openGaps());
    }

    // ---- a statement without the bounds (an operator's older one) ----

    @Test
    void withoutBoundsAnIdlePollAsksForTheNewestAndCarriesOn() {
        cursor.restartAt(10);
        final List<AccountChange> none = List.of();
        assertInstanceOf(FeedCursor.AskNewest.class, cursor.plan(10, none, OptionalLong.empty()));
        final FeedCursor.Taken taken = taken(cursor.plan(10, none, OptionalLong.of(10)));
        cursor.commit(taken, now);
        assertTrue(cursor.statementLacksBounds());
        assertFalse(cursor.statementReturnsBounds());
    }

    @Test
    void withoutBoundsAnEmptyTableIsStillSeenAsGoneBack() {
        cursor.restartAt(10);
        assertInstanceOf(FeedCursor.WentBack.class, cursor.plan(10, List.of(), OptionalLong.of(0)));
    }

    // ---- helpers ----

    private void commit(final long from, final long to) {
        LongStream.rangeClosed(from, to).forEach(table::add);
    }

    /** What the shipped statement returns for {@code after}. */
    private List<AccountChange> read(final long after) {
        final TreeSet<Long> result = new TreeSet<>(table.tailSet(after, false));
        if (!table.isEmpty()) {
            result.add(table.first());
            result.add(table.last());
        }
        return result.stream().limit(LIMIT).map(FeedCursorTest::row).toList();
    }

    /** One page as the feed reads it: asks for the newest when told to; commits; returns the fresh seqs. */
    private List<Long> poll() {
        return page(cursor.readFrom()).fresh().stream().map(AccountChange::seq).toList();
    }

    private FeedCursor.Taken page(final long after) {
        final List<AccountChange> rows = read(after);
        FeedCursor.Verdict verdict = cursor.plan(after, rows, OptionalLong.empty());
        if (verdict instanceof FeedCursor.AskNewest) {
            verdict = cursor.plan(after, rows, OptionalLong.of(table.isEmpty() ? 0 : table.last()));
        }
        final FeedCursor.Taken taken = taken(verdict);
        cursor.commit(taken, now);
        return taken;
    }

    private List<Long> pollAllPages() {
        final List<Long> fresh = new java.util.ArrayList<>();
        long after = cursor.readFrom();
        for (int i = 0; i < 100; i++) {
            final FeedCursor.Taken taken = page(after);
            fresh.addAll(seqs(taken.fresh()));
            if (!taken.more()) {
                return fresh;
            }
            after = taken.next();
        }
        throw new AssertionError("no end after 100 pages");
    }

    private static FeedCursor.Taken taken(final FeedCursor.Verdict verdict) {
        return assertInstanceOf(FeedCursor.Taken.class, verdict);
    }

    private static List<Long> seqs(final List<AccountChange> rows) {
        return rows.stream().map(AccountChange::seq).toList();
    }

    private static List<AccountChange> rows(final long... seqs) {
        return Arrays.stream(seqs).mapToObj(FeedCursorTest::row).toList();
    }

    private static AccountChange row(final long seq) {
        return new AccountChange(seq, Optional.of(seq), Optional.empty());
    }
}
