package com.accountauth.extension.sync;

import com.accountauth.extension.acl.TopicFilter;
import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.connection.ConnectedClients;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a session's subscriptions, server-side, in line with its access plan: removes what it may no longer
 * subscribe to and adds its auto-subscriptions (QoS 1). The app never has to know its devices' topics, and a lost
 * pairing stops the messages at once. A session that had a subscription taken away is marked (see
 * {@link #REVOKED_MARK}), so its queue is checked whenever it resumes.
 */
public final class SessionSubscriptions {

    /**
     * A subscription that marks a session whose queue may hold messages it may no longer receive: it had a
     * subscription taken away. It is kept with the session (so it outlives a broker restart) until the session ends,
     * and such a session gets the outbound check every time it resumes. Nothing is ever published to it: no permission
     * allows a topic that starts with '$', and a marked session's outbound check drops it anyway.
     */
    public static final String REVOKED_MARK = "$account-auth/revoked-subscriptions";

    private static final Logger log = LoggerFactory.getLogger(SessionSubscriptions.class);
    private static final int ATTEMPTS = 5;
    private static final long TURN_TIMEOUT_SECONDS = 10;

    private final ConnectedClients clients;
    // the last change queued per client id: changes of one session run one after the other
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> queued = new ConcurrentHashMap<>();

    public SessionSubscriptions(final ConnectedClients clients) {
        this.clients = clients;
    }

    /**
     * Brings the session of {@code clientId} in line with the plan of its connection's grant; works asynchronously.
     * The plan is read when the change is made, never earlier, and again once it is made: one that a live change
     * replaced meanwhile is applied again, so a late retry never brings back what a newer plan took away. Completes
     * with true when the session's queue may hold messages the plan does not let it receive (a subscription was
     * taken away, now or before), false when every message in it was matched by a subscription the plan still
     * allows.
     */
    public CompletableFuture<Boolean> apply(final String clientId) {
        // One change of a client id's session at a time: a change made for an older connection (its plan read
        // before the client id reconnected) lands before the next one reads the session, which then removes what
        // it may not hold. Run side by side, the older one could add its filters after the newer had read.
        final CompletableFuture<Void> turn = new CompletableFuture<>();
        final CompletableFuture<Boolean> next = turn.thenCompose(ignored -> apply(clientId, 1));
        final CompletableFuture<Boolean> before = queued.put(clientId, next);
        if (before == null) {
            turn.complete(null);
        } else {
            before.whenComplete((ignored, failure) -> turn.complete(null));
            // a change that never ends (a store call that hangs) must not hold the session's later ones for ever
            CompletableFuture.delayedExecutor(TURN_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> turn.complete(null));
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
        return Services.subscriptionStore().getSubscriptions(clientId)
                .thenCompose(subscriptions -> change(clientId, plan, subscriptions))
                .thenCompose(mayHoldRevoked -> {
                    final ConnectedClients.Grant now = clients.get(clientId);
                    if (now != null && (now != grant || now.plan() != plan) && attempt < ATTEMPTS) {
                        // overtaken by a live change or a new connection: bring it in line with that
                        return apply(clientId, attempt + 1).thenApply(again -> again || mayHoldRevoked);
                    }
                    return CompletableFuture.completedFuture(mayHoldRevoked);
                })
                .exceptionallyCompose(e -> {
                    if (attempt >= ATTEMPTS) {
                        log.warn("account-auth: could not update the subscriptions of client '{}': {}", clientId,
                                e.getMessage());
                        return CompletableFuture.completedFuture(true); // unknown: assume the worst
                    }
                    // the session may not exist yet right after CONNECT: try again shortly
                    return CompletableFuture.supplyAsync(() -> null,
                                    CompletableFuture.delayedExecutor(100L * attempt, TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> apply(clientId, attempt + 1));
                });
    }

    private static CompletableFuture<Boolean> change(final String clientId, final AccessPlan plan,
                                                     final Set<TopicSubscription> existing) {
        final Set<String> present = new HashSet<>();
        final Set<String> disallowed = new HashSet<>();
        boolean marked = false;
        for (final TopicSubscription subscription : existing) {
            final String filter = subscription.getTopicFilter();
            if (filter.equals(REVOKED_MARK)) {
                marked = true;
                continue;
            }
            present.add(filter);
            if (!plan.permissions().allowsSubscribe(filter)) {
                disallowed.add(filter);
            }
        }
        final Set<TopicSubscription> missing = new HashSet<>();
        for (final TopicFilter filter : plan.autoSubscriptions()) {
            if (!present.contains(filter.toString())) {
                missing.add(Builders.topicSubscription().topicFilter(filter.toString()).qos(Qos.AT_LEAST_ONCE)
                        .build());
            }
        }
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        if (!disallowed.isEmpty()) {
            log.info("account-auth: removing subscriptions {} of client '{}': no longer permitted", disallowed,
                    clientId);
            if (!marked) {
                // marked first: should the broker stop in between, the session still counts as marked
                done = Services.subscriptionStore().addSubscription(clientId,
                        Builders.topicSubscription().topicFilter(REVOKED_MARK).qos(Qos.AT_MOST_ONCE).build());
            }
            done = done.thenCompose(ignored -> Services.subscriptionStore().removeSubscriptions(clientId, disallowed));
        }
        if (!missing.isEmpty()) {
            log.debug("account-auth: subscribing client '{}' to {}", clientId, missing.size());
            done = done.thenCompose(ignored -> Services.subscriptionStore().addSubscriptions(clientId, missing));
        }
        final boolean mayHoldRevoked = marked || !disallowed.isEmpty();
        return done.thenApply(ignored -> mayHoldRevoked);
    }
}
