package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The principal and access plan of every connected client, by client id: what live changes update, and through the
 * grant the permissions the broker checks each PUBLISH and SUBSCRIBE against.
 * <p>
 * A grant is made at authentication but counts as the client id's only once its connection is initialised, which
 * HiveMQ does after a takeover has closed the previous connection. Until then it waits, found by the connection's
 * permissions object (one per connection, shared by the authenticator's output and the client context), so the
 * connection a grant belongs to needs no marker of its own.
 */
public final class ConnectedClients {

    // a connection that authenticated but never got initialised (it went before its CONNACK) is forgotten after this
    private static final Duration PENDING_LIMIT = Duration.ofMinutes(10);

    private final ConcurrentHashMap<String, Grant> byClientId = new ConcurrentHashMap<>();
    // keyed by identity: HiveMQ's permissions object does not override equals
    private final Cache<ModifiableDefaultPermissions, Grant> pending =
            Caffeine.newBuilder().expireAfterWrite(PENDING_LIMIT).build();

    /**
     * Records a successful authentication and shows its plan to the broker through the connection's default
     * permissions. The grant waits for {@link #activate} (or for live changes, which reach it already).
     */
    public Grant register(final String clientId, final PrincipalRecord record, final AccessPlan plan,
                          final boolean cleanStart, final ModifiableDefaultPermissions connectionPermissions) {
        final Grant grant = new Grant(clientId, record.principal(), record.passwordHash(), plan, cleanStart,
                connectionPermissions);
        pending.put(connectionPermissions, grant);
        return grant;
    }

    /** Forgets a grant whose connection was refused after all (the authentication had timed out). */
    public void withdraw(final Grant grant) {
        pending.asMap().remove(grant.connectionPermissions, grant);
    }

    /**
     * Makes the waiting grant of this connection the client id's grant, replacing any earlier one; null when the
     * connection has none.
     */
    public Grant activate(final String clientId, final ModifiableDefaultPermissions connectionPermissions) {
        final Grant grant = pending.asMap().remove(connectionPermissions);
        if (grant != null) {
            byClientId.put(clientId, grant);
        }
        return grant;
    }

    /** The grant of a connected client, or null when it has none (its outgoing messages are then dropped). */
    public Grant get(final String clientId) {
        return byClientId.get(clientId);
    }

    /** Guards a connection that has no grant: nothing may reach it. */
    public static void guardWithoutGrant(final ClientContext context) {
        context.addPublishOutboundInterceptor(OutboundTopicGuard.DENY_ALL);
    }

    /** Drops the client id's grant when a connection of it went; returns what was dropped. */
    public Grant release(final String clientId) {
        return byClientId.remove(clientId);
    }

    /**
     * Puts back a released grant if the client id has none: for when the client id turned out to be connected still,
     * i.e. the connection that went was not the grant's.
     */
    public void restore(final String clientId, final Grant grant) {
        byClientId.putIfAbsent(clientId, grant);
    }

    /** The grants of connected (or connecting) clients of these principals, or paired to one of these devices. */
    public Map<Principal, List<Grant>> affectedBy(final Set<String> principalKeys, final Set<Long> deviceIds) {
        final Map<Principal, List<Grant>> affected = new HashMap<>();
        for (final Collection<Grant> grants : List.of(byClientId.values(), pending.asMap().values())) {
            for (final Grant grant : grants) {
                final boolean direct = principalKeys.contains(grant.principal().key());
                final boolean paired = grant.plan().pairedDeviceIds().stream().anyMatch(deviceIds::contains);
                if (direct || paired) {
                    affected.computeIfAbsent(grant.principal(), p -> new ArrayList<>()).add(grant);
                }
            }
        }
        return affected;
    }

    /** What one connection was granted. */
    public static final class Grant {

        private final String clientId;
        private final Principal principal;
        private final Optional<String> passwordHash;
        private final boolean cleanStart;
        private final ModifiableDefaultPermissions connectionPermissions;
        private volatile AccessPlan plan;
        // the connection's context (null until the client initializer ran), kept to add the guard later
        private ClientContext context;
        private OutboundTopicGuard guard;

        Grant(final String clientId, final Principal principal, final Optional<String> passwordHash,
              final AccessPlan plan, final boolean cleanStart,
              final ModifiableDefaultPermissions connectionPermissions) {
            this.clientId = clientId;
            this.principal = principal;
            this.passwordHash = passwordHash;
            this.plan = plan;
            this.cleanStart = cleanStart;
            this.connectionPermissions = connectionPermissions;
            BrokerPermissions.replace(connectionPermissions, List.of(), plan.topicPermissions());
        }

        /** True when the connection started a new session (so it has no subscriptions yet). */
        public boolean cleanStart() {
            return cleanStart;
        }

        public String clientId() {
            return clientId;
        }

        public Principal principal() {
            return principal;
        }

        /** The hash the client logged in against: a different one in the DB means the password changed. */
        public Optional<String> passwordHash() {
            return passwordHash;
        }

        public AccessPlan plan() {
            return plan;
        }

        public Permissions permissions() {
            return plan.permissions();
        }

        /** Replaces the plan, e.g. after a pairing changed; the broker checks the next message against it. */
        public synchronized void updatePlan(final AccessPlan plan) {
            final AccessPlan previous = this.plan;
            this.plan = plan;
            BrokerPermissions.replace(connectionPermissions, previous.topicPermissions(), plan.topicPermissions());
        }

        /** Keeps the connection's context (from the client initializer); adds a guard asked for before it came. */
        public synchronized void attach(final ClientContext context) {
            this.context = context;
            if (guard != null) {
                context.addPublishOutboundInterceptor(guard);
            }
        }

        /**
         * Checks every message leaving for this connection from now on: for a session whose queue may hold messages
         * it may no longer receive. Costs a task per message, so it is added only where needed, at most once.
         */
        public synchronized void guardOutbound() {
            if (guard != null) {
                return;
            }
            guard = new OutboundTopicGuard(this::permissions);
            if (context != null) {
                context.addPublishOutboundInterceptor(guard);
            }
        }

        /** True when the connection's outgoing messages are checked (or will be once it is initialised). */
        public synchronized boolean outboundGuarded() {
            return guard != null;
        }
    }
}
