package com.accountauth.extension.cache;

import com.accountauth.extension.db.ChangeSet;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Numbers the live changes (generations) and remembers, for a while, which generation last touched each principal
 * and device. Whatever was read from the DB is stamped with the generation current <em>before</em> the read; it is
 * stale when a change touching it has a higher number. That catches what invalidation cannot see: a load still in
 * flight when the change is applied (its result lands after the invalidation walked the cache), and a CONNECT whose
 * grant registers after the refresher took its snapshot of connected clients.
 * <p>
 * A change is remembered for twice the {@code horizon}: the caches invalidate it once more after one horizon (by then
 * every load that began before it has landed), and a CONNECT takes less than one horizon, so no stale fact outlives
 * its change unnoticed.
 */
public final class ChangeClock {

    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<String, Long> principals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> devices = new ConcurrentHashMap<>();
    private volatile long rowsAdded;
    private volatile long everything;
    private final long keepNanos;
    private final LongSupplier nanoTime;
    // the remembered changes, oldest first: pruned as they pass 2 horizons; only the feed's thread records
    private final ArrayDeque<Recorded> recorded = new ArrayDeque<>();

    public ChangeClock(final Duration horizon) {
        this(horizon, System::nanoTime);
    }

    ChangeClock(final Duration horizon, final LongSupplier nanoTime) {
        this.keepNanos = 2 * horizon.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The generation now: stamp a read with it before reading. */
    public long now() {
        return generation.get();
    }

    /** Numbers a change, before the caches are invalidated and before connected clients are refreshed. */
    public synchronized long record(final ChangeSet changes) {
        final long now = nanoTime.getAsLong();
        prune(now);
        final long stamp = generation.incrementAndGet();
        if (changes.all()) {
            everything = stamp;
        }
        if (changes.rowsAdded()) {
            rowsAdded = stamp;
        }
        changes.principalKeys().forEach(key -> principals.put(key, stamp));
        changes.deviceIds().forEach(id -> devices.put(id, stamp));
        recorded.addLast(new Recorded(stamp, now, changes));
        return stamp;
    }

    /** True when a change after {@code stamp} touched this principal (or everything). */
    public boolean principalChangedSince(final String principalKey, final long stamp) {
        return everything > stamp || principals.getOrDefault(principalKey, 0L) > stamp;
    }

    /** True when a change after {@code stamp} touched this device (or everything). */
    public boolean devicesChangedSince(final long deviceId, final long stamp) {
        return everything > stamp || devices.getOrDefault(deviceId, 0L) > stamp;
    }

    /** True when a row may have been added after {@code stamp}, so "no such username" may be wrong now. */
    public boolean rowsAddedSince(final long stamp) {
        return everything > stamp || rowsAdded > stamp;
    }

    private void prune(final long now) {
        while (!recorded.isEmpty() && now - recorded.peekFirst().at > keepNanos) {
            final Recorded old = recorded.removeFirst();
            // a later change of the same key keeps its own, higher stamp
            removeIfStamped(principals, old.changes.principalKeys(), old.stamp);
            removeIfStamped(devices, old.changes.deviceIds(), old.stamp);
        }
    }

    private static <K> void removeIfStamped(final ConcurrentHashMap<K, Long> map, final Set<K> keys, final long stamp) {
        for (final K key : keys) {
            map.remove(key, stamp);
        }
    }

    /** Entries remembered now (for tests). */
    int remembered() {
        return principals.size() + devices.size();
    }

    private record Recorded(long stamp, long at, ChangeSet changes) {
    }
}
