package com.accountauth.extension.sync;

import com.accountauth.extension.acl.TopicFilter;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.principal.AccessPlan;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps a session's subscriptions, server-side, in line with its access plan: removes what it may no longer
 * subscribe to and adds its auto-subscriptions (QoS 1). The app never has to know its devices' topics, and a lost
 * pairing stops the messages at once. A session that had a subscription taken away is marked (see
 * {@link #REVOKED_MARK}), so its queue is checked whenever it resumes.
 * <p>
 * A store call can take long or never end (seen with HiveMQ's store while the client id reconnects), and one made for
 * an older connection of the client id lands in the session of the newer one. So every call is waited for at most
 * a bounded time, a connection stays guarded while any call for its client id is still out, and when a late call
 * finally lands the session is checked again.
 * <p>
 * HiveMQ's store can also lose sight of a subscription it still delivers to: one added while the client id's session
 * was being replaced (a clean start) or removed is no longer listed for the client id, yet the broker's topic tree
 * keeps sending its messages to every later connection of that client id. So what this node added for a client id is
 * remembered, and removed again when the plan no longer allows it, whether the store lists it or not.
 */
public final class SessionSubscriptions {

    /**
     * A subscription that marks a session whose queue may hold messages it may no longer receive: it had a
     * subscription taken away. It is kept with the session (so it outlives a broker restart) until the session ends,
     * and such a session gets the outbound check every time it resumes. Nothing is ever published to it: no permission
     * allows a topic that starts with '$', and a marked session's outbound check drops it anyway.
     */
    public static final String REVOKED_MARK = "$account-auth/revoked-subscriptions";

    /** How long a store call is waited for in the broker before it counts as failed (and is tried again). */
    public static final long STORE_TIMEOUT_MILLIS = 2000;

    private static final Logger log = LoggerFactory.getLogger(SessionSubscriptions.class);
    private static final int ATTEMPTS = 5;

    private final ConnectedClients clients;
    private final SessionStore store;
    private final long storeTimeoutMillis;
    // the last change queued per client id: changes of one session run one after the other
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> queued = new ConcurrentHashMap<>();
    // store calls not yet ended per client id, counting those no longer waited for
    private final ConcurrentHashMap<String, Integer> callsOut = new ConcurrentHashMap<>();
    // client ids with a call that ended after it was no longer waited for: checked again once none is out
    private final Set<String> landedLate = ConcurrentHashMap.newKeySet();
    // what this node subscribed each client id's session to, listed by the store or not (bounded: a client id not
    // touched for a day is forgotten); immutable sets swapped per key: one or two filters each, a few dozen bytes
    // per client instead of a concurrent set's few hundred
    private final Cache<String, Set<String>> added = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofDays(1)).maximumSize(1_000_000).build();

    public SessionSubscriptions(final ConnectedClients clients, final SessionStore store,
                                final long storeTimeoutMillis) {
        this.clients = clients;
        this.store = store;
        this.storeTimeoutMillis = storeTimeoutMillis;
    }

    /**
     * For a connection that has just been initialised: guards what leaves for it until its session is shown to hold
     * nothing it may not receive. For a resumed session, the queue was filled by its subscriptions, not its
     * permissions; for a new one, a change made for the client id's previous connection may still land in it.
     */
    public void connected(final ConnectedClients.Grant grant) {
        grant.guardUntilReleased();
        apply(grant.clientId()).thenAccept(mayHoldRevoked -> {
            if (!mayHoldRevoked) {
                grant.releaseGuard();
            }
        });
    }

    /**
     * Brings the session of {@code clientId} in line with the plan of its connection's grant; works asynchronously.
     * The plan is read when the change is made, never earlier, and again once it is made: one that a live change
     * replaced meanwhile is applied again, so a late retry never brings back what a newer plan took away. Completes
     * with true when the session's queue may hold messages the plan does not let it receive (a subscription was
     * taken away, now or before, or a store call for it is still out), false when every message in it was matched
     * by a subscription the plan still allows.
     */
    public CompletableFuture<Boolean> apply(final String clientId) {
        // One change of a client id's session at a time: a change made for an older connection (its plan read
        // before the client id reconnected) lands before the next one reads the session, which then removes what
        // it may not hold. Run side by side, the older one could add its filters after the newer had read.
        final CompletableFuture<Void> turn = new CompletableFuture<>();
        final CompletableFuture<Boolean> next = turn.thenCompose(ignored -> apply(clientId, 1))
                .thenApply(mayHoldRevoked -> mayHoldRevoked || callsOut.containsKey(clientId));
        final CompletableFuture<Boolean> before = queued.put(clientId, next);
        if (before == null) {
            turn.complete(null);
        } else {
            before.whenComplete((ignored, failure) -> turn.complete(null));
            // a change whose calls are no longer waited for has ended: its late calls are watched on their own
            CompletableFuture.delayedExecutor(ATTEMPTS * storeTimeoutMillis, TimeUnit.MILLISECONDS)
                    .execute(() -> turn.complete(null));
        }
        next.whenComplete((ignored, failure) -> queued.remove(clientId, next));
        return next;
    }

    private CompletableFuture<Boolean> apply(final String clientId, final int attempt) {
        final ConnectedClients.Grant grant = clients.get(clientId);
        if (grant == null) {
            // its connection is gone (or not yet initialised): the next one brings its session in line itself
            return CompletableFuture.completedFuture(true);
        }
        final AccessPlan plan = grant.plan();
        return call(clientId, () -> store.filters(clientId))
                .thenCompose(filters -> {
                    if (log.isDebugEnabled()) {
                        log.debug("account-auth: session of client '{}' (grant {}, attempt {}) holds {}; plan {}",
                                clientId, System.identityHashCode(grant), attempt, filters, plan.autoSubscriptions());
                    }
                    return change(clientId, plan, filters);
                })
                .thenCompose(mayHoldRevoked -> {
                    final ConnectedClients.Grant now = clients.get(clientId);
                    if (now != null && (now != grant || now.plan() != plan)) {
                        // overtaken by a live change or a new connection: bring it in line with that
                        return attempt < ATTEMPTS ? apply(clientId, attempt + 1).thenApply(again -> again || mayHoldRevoked)
                                : CompletableFuture.completedFuture(true); // not known to be in line: the worst
                    }
                    return CompletableFuture.completedFuture(mayHoldRevoked);
                })
                .exceptionallyCompose(e -> {
                    if (attempt >= ATTEMPTS) {
                        log.warn("account-auth: could not update the subscriptions of client '{}': {}", clientId,
                                e.getMessage());
                        return CompletableFuture.completedFuture(true); // unknown: assume the worst
                    }
                    // the session may not exist yet right after CONNECT, or a call was not answered: try again
                    return CompletableFuture.supplyAsync(() -> null,
                                    CompletableFuture.delayedExecutor(100L * attempt, TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> apply(clientId, attempt + 1));
                });
    }

    private void rememberAdded(final String clientId, final Set<String> filters) {
        added.asMap().merge(clientId, Set.copyOf(filters), (before, more) -> {
            final Set<String> all = new HashSet<>(before);
            all.addAll(more);
            return Set.copyOf(all);
        });
    }

    private void forgetAdded(final String clientId, final Set<String> filters) {
        added.asMap().computeIfPresent(clientId, (id, before) -> {
            final Set<String> rest = new HashSet<>(before);
            rest.removeAll(filters);
            return rest.isEmpty() ? null : Set.copyOf(rest);
        });
    }

    private CompletableFuture<Boolean> change(final String clientId, final AccessPlan plan,
                                              final Set<String> existing) {
        final Set<String> present = new HashSet<>();
        final Set<String> disallowed = new HashSet<>();
        boolean marked = false;
        for (final String filter : existing) {
            if (filter.equals(REVOKED_MARK)) {
                marked = true;
                continue;
            }
            present.add(filter);
            if (!plan.permissions().allowsSubscribe(filter)) {
                disallowed.add(filter);
            }
        }
        // what this node added and the plan no longer allows, whether the store still lists it or not
        final Set<String> addedBefore = added.getIfPresent(clientId);
        for (final String filter : addedBefore == null ? Set.<String>of() : addedBefore) {
            if (!plan.permissions().allowsSubscribe(filter)) {
                disallowed.add(filter); // an unlisted one may have delivered or queued what the plan no longer allows
            }
        }
        final Set<String> missing = new HashSet<>();
        for (final TopicFilter filter : plan.autoSubscriptions()) {
            if (!present.contains(filter.toString())) {
                missing.add(filter.toString());
            }
        }
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        if (!disallowed.isEmpty()) {
            log.info("account-auth: removing subscriptions {} of client '{}': no longer permitted", disallowed,
                    clientId);
            if (!marked) {
                // marked first: should the broker stop in between, the session still counts as marked
                done = call(clientId, () -> store.add(clientId, Set.of(REVOKED_MARK), Qos.AT_MOST_ONCE));
            }
            done = done.thenCompose(ignored -> call(clientId, () -> store.remove(clientId, disallowed)))
                    .thenRun(() -> forgetAdded(clientId, disallowed));
        }
        if (!missing.isEmpty()) {
            log.debug("account-auth: subscribing client '{}' to {}", clientId, missing);
            rememberAdded(clientId, missing); // before the call: it may land late, or unlisted
            done = done.thenCompose(ignored -> call(clientId, () -> store.add(clientId, missing,
                    Qos.AT_LEAST_ONCE)));
        }
        final boolean mayHoldRevoked = marked || !disallowed.isEmpty();
        return done.thenApply(ignored -> mayHoldRevoked);
    }

    /** One store call, waited for at most the store timeout; counted as out until it has really ended. */
    private <T> CompletableFuture<T> call(final String clientId, final Supplier<CompletableFuture<T>> operation) {
        callsOut.merge(clientId, 1, Integer::sum);
        final CompletableFuture<T> call;
        try {
            call = operation.get();
        } catch (final RuntimeException e) {
            ended(clientId, false);
            return CompletableFuture.failedFuture(e);
        }
        final AtomicBoolean givenUp = new AtomicBoolean();
        // counted as ended before anyone waiting for it goes on: they ask whether a call is still out
        final CompletableFuture<T> counted = call.whenComplete((ignored, failure) -> ended(clientId, givenUp.get()));
        final CompletableFuture<T> waited = counted.copy().orTimeout(storeTimeoutMillis, TimeUnit.MILLISECONDS);
        waited.whenComplete((ignored, failure) -> {
            if (failure instanceof TimeoutException) {
                givenUp.set(true);
            }
        });
        return waited;
    }

    private void ended(final String clientId, final boolean late) {
        if (late) {
            landedLate.add(clientId);
        }
        final Integer left = callsOut.computeIfPresent(clientId, (id, count) -> count == 1 ? null : count - 1);
        if (left == null && landedLate.remove(clientId)) {
            log.info("account-auth: a subscription change of client '{}' ended after it was given up; checking the " +
                    "session again", clientId);
            apply(clientId).thenAccept(mayHoldRevoked -> {
                final ConnectedClients.Grant grant = clients.get(clientId);
                if (grant == null) {
                    return;
                }
                if (mayHoldRevoked) {
                    grant.guardUntilReleased();
                } else {
                    grant.releaseGuard();
                }
            });
        }
    }
}
