package com.accountauth.extension.bench;

import org.mindrot.jbcrypt.BCrypt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The bcrypt bound's inputs: how long one check of the population's hash takes in this JVM. */
final class BcryptTiming {

    private BcryptTiming() {
    }

    /** Median time of one bcrypt check, after a warm-up. */
    static double millis(final String hash) {
        for (int i = 0; i < 5; i++) {
            BCrypt.checkpw(Population.USER_PASSWORD, hash);
        }
        final long[] nanos = new long[21];
        for (int i = 0; i < nanos.length; i++) {
            final long start = System.nanoTime();
            if (!BCrypt.checkpw(Population.USER_PASSWORD, hash)) {
                throw new IllegalStateException("bcrypt check failed");
            }
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1e6;
    }

    /** Checks per second with {@code threads} threads checking at once (8 checks each). */
    static double parallelRate(final String hash, final int threads) throws InterruptedException {
        final int each = 8;
        final List<Thread> workers = new ArrayList<>();
        final long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            final Thread t = new Thread(() -> {
                for (int k = 0; k < each; k++) {
                    BCrypt.checkpw(Population.USER_PASSWORD, hash);
                }
            });
            t.start();
            workers.add(t);
        }
        for (final Thread t : workers) {
            t.join();
        }
        return threads * each / ((System.nanoTime() - start) / 1e9);
    }
}
