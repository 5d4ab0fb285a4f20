package com.accountauth.extension.metrics;


/** The hits and misses of one cache; a miss is a load (a DB query or a password check) that the lookup ran. */
public record HitCounter(Count hits, Count misses) {

    public void count(final boolean hit) {
        (hit ? hits : misses).inc();
    }
}
