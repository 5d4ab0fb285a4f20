package com.accountauth.extension.sync;

import com.accountauth.extension.acl.TopicFilter;
import com.accountauth.extension.auth.AccessPlan;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a session's subscriptions, server-side, in line with its access plan: removes what it may no longer
 * subscribe to and adds its auto-subscriptions (QoS 1). The app never has to know its devices' topics, and a lost
 * pairing stops the messages at once.
 */
public final class SessionSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(SessionSubscriptions.class);
    private static final int ATTEMPTS = 5;

    /** Brings the session of {@code clientId} in line with {@code plan}; works asynchronously. */
    public CompletableFuture<Void> apply(final String clientId, final AccessPlan plan) {
        return apply(clientId, plan, 1);
    }

    /** Subscribes a new, empty session to its auto-subscriptions: nothing to read or remove first. */
    public CompletableFuture<Void> applyToNewSession(final String clientId, final AccessPlan plan) {
        return change(clientId, plan, Set.of()).exceptionallyCompose(e -> apply(clientId, plan, 2));
    }

    private CompletableFuture<Void> apply(final String clientId, final AccessPlan plan, final int attempt) {
        return Services.subscriptionStore().getSubscriptions(clientId)
                .thenCompose(existing -> change(clientId, plan, existing))
                .exceptionallyCompose(e -> {
                    if (attempt >= ATTEMPTS) {
                        log.warn("account-auth: could not update the subscriptions of client '{}': {}", clientId,
                                e.getMessage());
                        return CompletableFuture.completedFuture(null);
                    }
                    // the session may not exist yet right after CONNECT: try again shortly
                    return CompletableFuture.supplyAsync(() -> null,
                                    CompletableFuture.delayedExecutor(100L * attempt, TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> apply(clientId, plan, attempt + 1));
                });
    }

    private static CompletableFuture<Void> change(final String clientId, final AccessPlan plan,
                                                  final Set<TopicSubscription> existing) {
        final Set<String> present = new HashSet<>();
        final Set<String> disallowed = new HashSet<>();
        for (final TopicSubscription subscription : existing) {
            present.add(subscription.getTopicFilter());
            if (!plan.permissions().allowsSubscribe(subscription.getTopicFilter())) {
                disallowed.add(subscription.getTopicFilter());
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
            done = Services.subscriptionStore().removeSubscriptions(clientId, disallowed);
        }
        if (!missing.isEmpty()) {
            log.debug("account-auth: subscribing client '{}' to {}", clientId, missing.size());
            done = done.thenCompose(ignored -> Services.subscriptionStore().addSubscriptions(clientId, missing));
        }
        return done;
    }
}
