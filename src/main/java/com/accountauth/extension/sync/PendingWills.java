package com.accountauth.extension.sync;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.Rehashes;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Wills HiveMQ may publish, of connected clients and of connections that have gone. HiveMQ checks a Will only at
 * CONNECT, publishes it later without any check, and has no way to change it; with a Will Delay Interval it keeps
 * the Will of an abruptly dropped connection pending, where a live change finds no connection (so no grant) to act
 * on. This remembers, per client id, the principal, Will topic and plan of its latest connection that had a Will, so
 * that a change that takes the topic away can take the Will away:
 * {@code disconnectClient(clientId, preventWillMessage = true, ...)} disconnects a connected client without its Will
 * and cancels a pending Will even when the client is no longer connected (HiveMQ CE,
 * {@code ClientSessionPersistenceImpl.forceDisconnectClient}).
 * <p>
 * One small entry per client id whose latest connection had a Will; it is replaced by that client id's next
 * connection and dropped once its Will was cancelled.
 */
public final class PendingWills {

    private static final Logger log = LoggerFactory.getLogger(PendingWills.class);

    private final ConcurrentHashMap<String, Entry> byClientId = new ConcurrentHashMap<>();
    private final Rehashes rehashes;

    /** @param rehashes the hashes this node rewrote on login: a rewrite is no change of password */
    public PendingWills(final Rehashes rehashes) {
        this.rehashes = rehashes;
    }

    /** The latest connection of a client id that had a Will: who sent it, to which topic, under which plan. */
    record Entry(Principal principal, String passwordHash, boolean byPassword, String willTopic, AccessPlan plan) {
    }

    /**
     * Notes the connection that now holds the client id: its Will, or that it has none. A Will its plan no longer
     * allows (a change landed between the broker's check at CONNACK and now) goes at once.
     */
    public void connected(final ConnectedClients.Grant grant) {
        if (grant.willTopic().isEmpty()) {
            byClientId.remove(grant.clientId());
            return;
        }
        byClientId.put(grant.clientId(), entryOf(grant));
        if (!grant.plan().permissions().allowsPublish(grant.willTopic().get())) {
            cancel(grant.clientId(), grant.principal() + " may no longer publish its Will");
        }
    }

    /** Notes a connected grant's new plan, so that a later change is judged against what it had last. */
    public void planChanged(final ConnectedClients.Grant grant) {
        byClientId.computeIfPresent(grant.clientId(),
                (id, entry) -> entry.principal().equals(grant.principal()) ? entryOf(grant) : entry);
    }

    private static Entry entryOf(final ConnectedClients.Grant grant) {
        return new Entry(grant.principal(), grant.passwordHash(), grant.byPassword(), grant.willTopic().orElseThrow(),
                grant.plan());
    }

    /** The client ids, by principal, whose Will may still be pending and whose right to it the changes touch. */
    Map<Principal, List<String>> affectedBy(final ChangeSet changes) {
        final Map<Principal, List<String>> affected = new HashMap<>();
        byClientId.forEach((clientId, entry) -> {
            if (changes.all() || changes.principalKeys().contains(entry.principal().key())
                    || entry.plan().pairsAnyOf(changes.deviceIds())) {
                affected.computeIfAbsent(entry.principal(), p -> new ArrayList<>()).add(clientId);
            }
        });
        return affected;
    }

    /** True when the remembered Will of this client id is still the one {@code principal} sent, and still allowed. */
    boolean stillAllowed(final String clientId, final Principal principal, final String passwordHash,
                         final AccessPlan plan) {
        final Entry entry = byClientId.get(clientId);
        if (entry == null || !entry.principal().equals(principal)) {
            return true; // not this principal's Will (any more): another change of its own principal judges it
        }
        return (!entry.byPassword() || rehashes.sameSecret(principal.key(), entry.passwordHash(), passwordHash))
                && plan.permissions().allowsPublish(entry.willTopic());
    }

    /** Forgets the Will of a client id whose connection was disconnected with its Will prevented. */
    void forget(final String clientId) {
        byClientId.remove(clientId);
    }

    /**
     * Cancels the Will that may be pending for this client id (and, should it be connected after all, disconnects it
     * without its Will), and forgets it.
     */
    void cancel(final String clientId, final String why) {
        final Entry entry = byClientId.remove(clientId);
        if (entry == null) {
            return;
        }
        log.info("account-auth: taking away the Will of client '{}' (disconnected without it, or cancelled if "
                + "pending): {}", clientId, why);
        Services.clientService().disconnectClient(clientId, true, DisconnectReasonCode.NOT_AUTHORIZED, null)
                .whenComplete((wasConnected, failure) -> {
                    if (failure != null) {
                        byClientId.putIfAbsent(clientId, entry); // tried again at the next change of it
                        log.warn("account-auth: could not cancel the pending Will of client '{}': {}", clientId,
                                failure.getMessage());
                    }
                });
    }
}
