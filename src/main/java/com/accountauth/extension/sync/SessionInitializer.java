package com.accountauth.extension.sync;

import com.accountauth.extension.auth.ConnectedClients;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.client.parameter.InitializerInput;
import com.hivemq.extension.sdk.api.services.intializer.ClientInitializer;

/**
 * Runs when a client has connected: guards its outbound messages and brings its session's subscriptions in line
 * with its access plan (auto-subscriptions added, no-longer-permitted ones removed, also after time offline).
 */
public final class SessionInitializer implements ClientInitializer {

    private final ConnectedClients clients;
    private final OutboundTopicGuard guard;
    private final SessionSubscriptions subscriptions;

    public SessionInitializer(final ConnectedClients clients, final SessionSubscriptions subscriptions) {
        this.clients = clients;
        this.guard = new OutboundTopicGuard(clients);
        this.subscriptions = subscriptions;
    }

    @Override
    public void initialize(final InitializerInput input, final ClientContext context) {
        context.addPublishOutboundInterceptor(guard);
        final String clientId = input.getClientInformation().getClientId();
        final ConnectedClients.Grant grant = clients.get(clientId);
        if (grant != null && grant.cleanStart()) {
            subscriptions.applyToNewSession(clientId, grant.plan());
        } else if (grant != null) {
            subscriptions.apply(clientId, grant.plan());
        }
    }
}
