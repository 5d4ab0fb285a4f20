package com.accountauth.extension.auth;

import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;

/** Drops a connection's grant when it goes, however it goes (every disconnect event ends in onDisconnect). */
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
    public void onDisconnect(final DisconnectEventInput input) {
        input.getConnectionInformation().getConnectionAttributeStore().get(ConnectedClients.TOKEN_ATTRIBUTE)
                .filter(buffer -> buffer.remaining() == Long.BYTES)
                .map(buffer -> buffer.getLong(buffer.position()))
                .ifPresent(token -> clients.release(input.getClientInformation().getClientId(), token));
    }
}
