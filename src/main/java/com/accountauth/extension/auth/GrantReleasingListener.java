package com.accountauth.extension.auth;

import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationFailedInput;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.services.Services;

/**
 * Drops a connection's grant when it goes, however it goes (every disconnect event ends in onDisconnect). The event
 * names only the client id; should the client id be connected still (the grant was a newer connection's), the grant
 * is put back.
 */
public final class GrantReleasingListener implements ClientLifecycleEventListener {

    private final ConnectedClients clients;

    public GrantReleasingListener(final ConnectedClients clients) {
        this.clients = clients;
    }

    @Override
    public void onMqttConnectionStart(final ConnectionStartInput input) {
    }

    @Override
    public void onAuthenticationSuccessful(final AuthenticationSuccessfulInput input) {
    }

    @Override
    public void onAuthenticationFailedDisconnect(final AuthenticationFailedInput input) {
        // it never had a grant; the client id's grant, if any, is another connection's
    }

    @Override
    public void onDisconnect(final DisconnectEventInput input) {
        final String clientId = input.getClientInformation().getClientId();
        final ConnectedClients.Grant released = clients.release(clientId);
        if (released != null) {
            Services.clientService().isClientConnected(clientId).thenAccept(connected -> {
                if (connected) {
                    clients.restore(clientId, released);
                }
            });
        }
    }
}
