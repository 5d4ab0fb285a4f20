package com.accountauth.extension.sync;

import com.accountauth.extension.auth.ConnectedClients;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundOutput;

/**
 * The last check before a message leaves for a client: it must be a topic the client may subscribe to now. This
 * drops what was queued for a session before its pairing went (MQTT queues by subscription, not by permission).
 */
public final class OutboundTopicGuard implements PublishOutboundInterceptor {

    private final ConnectedClients clients;

    public OutboundTopicGuard(final ConnectedClients clients) {
        this.clients = clients;
    }

    @Override
    public void onOutboundPublish(final PublishOutboundInput input, final PublishOutboundOutput output) {
        final ConnectedClients.Grant grant = clients.get(input.getClientInformation().getClientId());
        if (grant == null || !grant.permissions().allowsReceive(input.getPublishPacket().getTopic())) {
            output.preventPublishDelivery();
        }
    }
}
