package com.accountauth.extension.metrics;

import com.codahale.metrics.Counter;

/** The hits and misses of one cache; a miss is a load (a DB query or a password check) that the lookup ran. */
public record HitCounter(Counter hits, Counter misses) {

    public void count(final boolean hit) {
        (hit ? hits : misses).inc();
    }
}
