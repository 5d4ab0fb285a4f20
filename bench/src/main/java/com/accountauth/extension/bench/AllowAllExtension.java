package com.accountauth.extension.bench;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.client.parameter.InitializerInput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The benchmark's baseline: an authenticator that admits every CONNECT at once, with HiveMQ's default permissions
 * (none set: every topic allowed) and no authorizer or interceptor.
 * <p>
 * Given server-side subscriptions (client id to topic filters), it also does the HiveMQ work those cost, with nothing
 * of account-auth's own: a client initializer that subscribes a new session to its filters and reads a resumed
 * session's subscriptions to add what is missing. That is the floor under account-auth's connect path, the
 * benchmark's third broker; without them there is no initializer at all.
 */
public final class AllowAllExtension implements ExtensionMain {

    private final Map<String, List<String>> serverSideSubscriptions;

    public AllowAllExtension(final Map<String, List<String>> serverSideSubscriptions) {
        this.serverSideSubscriptions = serverSideSubscriptions;
    }

    @Override
    public void extensionStart(final ExtensionStartInput input, final ExtensionStartOutput output) {
        if (serverSideSubscriptions.isEmpty()) {
            final SimpleAuthenticator allowAll = (authInput, authOutput) -> authOutput.authenticateSuccessfully();
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> allowAll);
            return;
        }
        final Map<String, Set<TopicSubscription>> subscriptions = new HashMap<>();
        serverSideSubscriptions.forEach((clientId, filters) -> subscriptions.put(clientId, filters.stream()
                .map(filter -> Builders.topicSubscription().topicFilter(filter).qos(Qos.AT_LEAST_ONCE).build())
                .collect(Collectors.toUnmodifiableSet())));
        // like account-auth, the CONNECT says whether the session is new; the initializer does not
        final Set<String> newSessions = ConcurrentHashMap.newKeySet();
        final SimpleAuthenticator allowAll = (authInput, authOutput) -> {
            if (authInput.getConnectPacket().getCleanStart()) {
                newSessions.add(authInput.getClientInformation().getClientId());
            }
            authOutput.authenticateSuccessfully();
        };
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> allowAll);
        Services.initializerRegistry().setClientInitializer((final InitializerInput initializerInput,
                                                             final ClientContext context) -> {
            final String clientId = initializerInput.getClientInformation().getClientId();
            final Set<TopicSubscription> wanted = subscriptions.getOrDefault(clientId, Set.of());
            if (wanted.isEmpty()) {
                newSessions.remove(clientId);
                return;
            }
            if (newSessions.remove(clientId)) {
                Services.subscriptionStore().addSubscriptions(clientId, wanted);
                return;
            }
            Services.subscriptionStore().getSubscriptions(clientId).thenCompose(present -> {
                final Set<TopicSubscription> missing = new HashSet<>(wanted);
                present.forEach(subscription -> missing.removeIf(
                        w -> w.getTopicFilter().equals(subscription.getTopicFilter())));
                return missing.isEmpty() ? CompletableFuture.completedFuture(null) :
                        Services.subscriptionStore().addSubscriptions(clientId, missing);
            });
        });
    }

    @Override
    public void extensionStop(final ExtensionStopInput input, final ExtensionStopOutput output) {
    }
}
