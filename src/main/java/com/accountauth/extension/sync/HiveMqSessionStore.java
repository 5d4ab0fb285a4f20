package com.accountauth.extension.sync;

import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** {@link SessionStore} on HiveMQ's subscription store. */
public final class HiveMqSessionStore implements SessionStore {

    @Override
    public CompletableFuture<Set<String>> filters(final String clientId) {
        return Services.subscriptionStore().getSubscriptions(clientId).thenApply(subscriptions ->
                subscriptions.stream().map(TopicSubscription::getTopicFilter).collect(Collectors.toSet()));
    }

    @Override
    public CompletableFuture<Void> add(final String clientId, final Set<String> filters, final Qos qos) {
        final Set<TopicSubscription> subscriptions = new HashSet<>();
        for (final String filter : filters) {
            subscriptions.add(Builders.topicSubscription().topicFilter(filter).qos(qos).build());
        }
        return Services.subscriptionStore().addSubscriptions(clientId, subscriptions);
    }

    @Override
    public CompletableFuture<Void> remove(final String clientId, final Set<String> filters) {
        return Services.subscriptionStore().removeSubscriptions(clientId, filters);
    }
}
