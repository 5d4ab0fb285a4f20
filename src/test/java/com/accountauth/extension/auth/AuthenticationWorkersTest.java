package com.accountauth.extension.auth;

import com.accountauth.extension.config.AuthenticationSettings;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticationWorkersTest {

    private static AuthenticationWorkers oneWorker(final int queueSize) {
        return new AuthenticationWorkers(new AuthenticationSettings(5000, 1, 1, queueSize, 14, 4));
    }

    @Test
    void aLoginFromAnotherAddressWaitsForOneCheckOfAFloodNotForAllOfIt() throws Exception {
        try (AuthenticationWorkers workers = oneWorker(100)) {
            final CountDownLatch busy = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final List<String> order = new CopyOnWriteArrayList<>();
            final CountDownLatch done = new CountDownLatch(22);
            workers.submit("203.0.113.9", () -> {
                busy.countDown();
                await(release);
                done.countDown();
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                final String name = "flood-" + i;
                workers.submit("203.0.113.9", () -> {
                    order.add(name);
                    done.countDown();
                });
            }
            workers.submit("192.0.2.10", () -> {
                order.add("device");
                done.countDown();
            });
            release.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("flood-0", "device"), order.subList(0, 2), order.toString());
            assertEquals(21, order.size());
        }
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        try (AuthenticationWorkers workers = oneWorker(2)) {
            final CountDownLatch busy = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            workers.submit("a", () -> {
                busy.countDown();
                await(release);
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            workers.submit("a", () -> { });
            workers.submit("b", () -> { });
            assertThrows(RejectedExecutionException.class, () -> workers.submit("c", () -> { }));
            release.countDown();
        }
    }

    @Test
    void aFailingCheckDoesNotStopTheWorker() throws Exception {
        try (AuthenticationWorkers workers = oneWorker(10)) {
            final CountDownLatch ran = new CountDownLatch(1);
            workers.submit("a", () -> {
                throw new IllegalStateException("boom");
            });
            workers.submit("a", ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void theQueueDepthAndEachWaitAreMeasured() throws Exception {
        final MetricRegistry registry = new MetricRegistry();
        try (AuthenticationWorkers workers = new AuthenticationWorkers(
                new AuthenticationSettings(5000, 1, 1, 10, 14, 4), new ExtensionMetrics(registry))) {
            final Object depth = registry.getGauges().get("com.accountauth.connect.queue.depth");
            final CountDownLatch busy = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final CountDownLatch done = new CountDownLatch(3);
            workers.submit("a", () -> {
                busy.countDown();
                await(release);
                done.countDown();
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            workers.submit("a", done::countDown);
            workers.submit("b", done::countDown);
            assertEquals(2, ((com.codahale.metrics.Gauge<?>) depth).getValue());
            Thread.sleep(50);
            release.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(0, ((com.codahale.metrics.Gauge<?>) depth).getValue());
            final Timer waits = registry.timer("com.accountauth.connect.queue.wait");
            assertEquals(3, waits.getCount());
            // the two behind the held one waited at least the 50 ms it was held
            assertTrue(waits.getSnapshot().getMax() >= TimeUnit.MILLISECONDS.toNanos(50),
                    "longest wait " + waits.getSnapshot().getMax() + " ns");
        }
    }

    private static void await(final CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
