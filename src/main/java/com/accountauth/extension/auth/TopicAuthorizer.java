package com.accountauth.extension.auth;

import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.accountauth.extension.util.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides every PUBLISH (also Will and retained messages) and every SUBSCRIBE from the permissions granted at
 * CONNECT, held in memory: no DB query per message. A client without a grant is denied.
 */
public final class TopicAuthorizer implements PublishAuthorizer, SubscriptionAuthorizer {

    private static final Logger log = LoggerFactory.getLogger(TopicAuthorizer.class);

    private final ConnectedClients clients;

    public TopicAuthorizer(final ConnectedClients clients) {
        this.clients = clients;
    }

    @Override
    public void authorizePublish(final PublishAuthorizerInput input, final PublishAuthorizerOutput output) {
        final String clientId = input.getClientInformation().getClientId();
        final String topic = input.getPublishPacket().getTopic();
        final ConnectedClients.Grant grant = clients.get(clientId);
        if (grant != null && grant.permissions().allowsPublish(topic)) {
            output.authorizeSuccessfully();
            return;
        }
        log.info("account-auth: PUBLISH to {} by client '{}' ({}) denied: not a permitted topic", LogSafe.of(topic),
                clientId, grant == null ? "no grant" : grant.principal());
        output.failAuthorization(AckReasonCode.NOT_AUTHORIZED);
    }

    @Override
    public void authorizeSubscribe(final SubscriptionAuthorizerInput input,
                                   final SubscriptionAuthorizerOutput output) {
        final String clientId = input.getClientInformation().getClientId();
        final String filter = input.getSubscription().getTopicFilter();
        final ConnectedClients.Grant grant = clients.get(clientId);
        if (grant != null && grant.permissions().allowsSubscribe(filter)) {
            output.authorizeSuccessfully();
            return;
        }
        log.info("account-auth: SUBSCRIBE to {} by client '{}' ({}) denied: the filter reaches topics that are not " +
                "permitted", LogSafe.of(filter), clientId, grant == null ? "no grant" : grant.principal());
        output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED);
    }
}
