package com.accountauth.extension.auth;

import com.accountauth.extension.config.AuthenticationSettings;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool that runs DB look-ups and bcrypt checks, so no broker thread ever waits on them. In a reconnect
 * storm CONNECTs queue here; a full queue refuses at once rather than starving the broker.
 */
public final class AuthenticationWorkers implements AutoCloseable {

    private final ThreadPoolExecutor executor;

    public AuthenticationWorkers(final AuthenticationSettings settings) {
        final AtomicInteger count = new AtomicInteger();
        final ThreadFactory threads = runnable -> {
            final Thread thread = new Thread(runnable, "account-auth-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        executor = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 0L,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(settings.queueSize()), threads,
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Queues the work.
     *
     * @throws RejectedExecutionException when the queue is full or the pool is stopped
     */
    public void submit(final Runnable work) {
        executor.execute(work);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
