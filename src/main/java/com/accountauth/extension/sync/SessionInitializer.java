package com.accountauth.extension.sync;

import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.connection.ConnectedKinds;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.client.parameter.InitializerInput;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.intializer.ClientInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Runs when a client has connected: brings its session's subscriptions in line with its access plan
 * (auto-subscriptions added, no-longer-permitted ones removed, also after time offline) and guards the outgoing
 * messages of a resumed session whose queue may hold messages from before a pairing went. Every client gets the
 * {@link RevokedMarkKeeper}, so none can UNSUBSCRIBE the state the extension keeps in its session, and a connection
 * with a Will is noted in {@link PendingWills}, so its Will can be taken away when a change takes away its topic.
 */
public final class SessionInitializer implements ClientInitializer {

    private static final Logger log = LoggerFactory.getLogger(SessionInitializer.class);

    private final ConnectedClients clients;
    private final SessionSubscriptions subscriptions;
    private final PendingWills pendingWills;
    private final ConnectedKinds kinds;

    /** @param kinds counts the connected clients by kind (their disconnects it learns of itself) */
    public SessionInitializer(final ConnectedClients clients, final SessionSubscriptions subscriptions,
                              final PendingWills pendingWills, final ConnectedKinds kinds) {
        this.kinds = kinds;
        this.clients = clients;
        this.subscriptions = subscriptions;
        this.pendingWills = pendingWills;
    }

    @Override
    public void initialize(final InitializerInput input, final ClientContext context) {
        final String clientId = input.getClientInformation().getClientId();
        // the session may be marked now or later (a live change while it is connected)
        context.addUnsubscribeInboundInterceptor(RevokedMarkKeeper.INSTANCE);
        final ConnectedClients.Grant grant = clients.activate(clientId, context);
        if (grant == null) {
            // no grant, nothing may reach it: the broker denies its messages, the guard what it would receive
            ConnectedClients.guardWithoutGrant(context);
            return;
        }
        final Optional<DisconnectReasonCode> revoked = grant.revokedWith();
        if (revoked.isPresent()) {
            // a live change took the grant away between its CONNACK and now: the refresher left it to us
            log.info("account-auth: disconnecting client '{}' with {}: its access was revoked while it connected",
                    clientId, revoked.get());
            Services.clientService().disconnectClient(clientId, true, revoked.get(), null);
            return;
        }
        kinds.connected(clientId, grant.principal().kind());
        pendingWills.connected(grant);
        log.debug("account-auth: client '{}' initialised with grant {} (clean start {})", clientId,
                System.identityHashCode(grant), grant.cleanStart());
        // a resumed session's queue was matched against its subscriptions, not its permissions, and a new one may
        // still get a subscription made for the client id's previous connection: checked until the session shows
        // neither (the usual case; the check costs a task per message meanwhile)
        subscriptions.connected(grant);
    }
}
