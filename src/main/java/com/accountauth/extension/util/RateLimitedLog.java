package com.accountauth.extension.util;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one line through per interval and counts the ones it holds back: a flood of refused CONNECTs must not flood
 * the log (or the disk under it), yet the operator still learns how many there were.
 */
public final class RateLimitedLog {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param intervalNanos at most one line per this many nanoseconds
     * @param nanoClock     {@code System::nanoTime} in production
     */
    public RateLimitedLog(final long intervalNanos, final LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        this.nextAllowed = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * A line may be written now: returns how many were held back since the last one (0 or more); or -1 when this
     * one is held back too (and counted).
     */
    public long tryAcquire() {
        final long now = nanoClock.getAsLong();
        final long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
