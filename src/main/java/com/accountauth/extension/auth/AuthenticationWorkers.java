package com.accountauth.extension.auth;

import com.accountauth.extension.config.AuthenticationSettings;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.metrics.Timing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded pool that runs DB look-ups and bcrypt checks, so no broker thread ever waits on them. In a reconnect
 * storm CONNECTs queue here; a full queue refuses at once rather than starving the broker.
 * <p>
 * The queue is fair between source addresses: each address has its own line, and the workers take one CONNECT from
 * each address in turn. A flood from one address that got into the queue before its allowance was spent (see
 * {@code ConnectThrottle}) therefore holds a login from another address behind at most one of its CONNECTs, not
 * behind all of them.
 */
public final class AuthenticationWorkers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationWorkers.class);

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final Map<String, ArrayDeque<Queued>> lines = new HashMap<>();
    // the addresses with work waiting, in the order they are served
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Timing waits;
    private int queued;
    private boolean closed;

    public AuthenticationWorkers(final AuthenticationSettings settings) {
        this(settings, ExtensionMetrics.unread());
    }

    /** @param metrics gets {@code connect.queue.depth} (CONNECTs waiting) and {@code connect.queue.wait} */
    public AuthenticationWorkers(final AuthenticationSettings settings, final ExtensionMetrics metrics) {
        this.capacity = settings.queueSize();
        this.waits = metrics.timer("connect.queue.wait");
        metrics.gauge("connect.queue.depth", this::depth);
        for (int i = 1; i <= settings.workerThreads(); i++) {
            final Thread thread = new Thread(this::work, "account-auth-worker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Queues the work in the line of its source address ({@code addressKey}, as the throttle counts addresses).
     *
     * @throws RejectedExecutionException when the queue is full or the pool is stopped
     */
    public void submit(final String addressKey, final Runnable work) {
        lock.lock();
        try {
            if (closed) {
                throw new RejectedExecutionException("account-auth workers stopped");
            }
            if (queued >= capacity) {
                throw new RejectedExecutionException("account-auth CONNECT queue full (" + capacity + ")");
            }
            final ArrayDeque<Queued> line = lines.computeIfAbsent(addressKey, key -> new ArrayDeque<>());
            if (line.isEmpty()) {
                turns.addLast(addressKey);
            }
            line.addLast(new Queued(work, System.nanoTime()));
            queued++;
            workArrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** CONNECTs waiting for a worker now. */
    public int depth() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** A CONNECT's work and when it was queued. */
    private record Queued(Runnable work, long queuedAt) {
    }

    private Queued next() throws InterruptedException {
        lock.lock();
        try {
            while (turns.isEmpty()) {
                if (closed) {
                    return null;
                }
                workArrived.await();
            }
            final String address = turns.pollFirst();
            final ArrayDeque<Queued> line = lines.get(address);
            final Queued work = line.pollFirst();
            if (line.isEmpty()) {
                lines.remove(address);
            } else {
                turns.addLast(address); // the others first
            }
            queued--;
            return work;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            final Queued work;
            try {
                work = next();
            } catch (final InterruptedException e) {
                return;
            }
            if (work == null) {
                return;
            }
            waits.record(System.nanoTime() - work.queuedAt());
            try {
                work.work().run();
            } catch (final RuntimeException | Error e) {
                // the work answers its client itself (its async output times out as the last resort); go on
                log.warn("account-auth: a CONNECT check failed on a worker: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            lines.clear();
            turns.clear();
            queued = 0;
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        threads.forEach(Thread::interrupt);
    }
}
