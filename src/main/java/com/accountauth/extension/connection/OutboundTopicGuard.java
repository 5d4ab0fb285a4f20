package com.accountauth.extension.connection;

import com.accountauth.extension.acl.Permissions;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundOutput;

import java.util.function.Supplier;

/**
 * The last check before a message leaves for one connection: it must be a topic the connection may subscribe to now.
 * This drops what was queued for a session before its pairing went (MQTT queues by subscription, not by permission).
 * One per guarded connection, holding its grant: no lookup by client id, which another connection could disturb.
 */
final class OutboundTopicGuard implements PublishOutboundInterceptor {

    /** For a connection without a grant: nothing may reach it. */
    static final OutboundTopicGuard DENY_ALL = new OutboundTopicGuard(() -> Permissions.NONE);

    private final Supplier<Permissions> permissions;

    OutboundTopicGuard(final Supplier<Permissions> permissions) {
        this.permissions = permissions;
    }

    @Override
    public void onOutboundPublish(final PublishOutboundInput input, final PublishOutboundOutput output) {
        if (!permissions.get().allowsReceive(input.getPublishPacket().getTopic())) {
            output.preventPublishDelivery();
        }
    }
}
