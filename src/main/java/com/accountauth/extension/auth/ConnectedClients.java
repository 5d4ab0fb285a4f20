package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The principal and access plan of every connected client, by client id: what live changes update, and through the
 * grant the permissions the broker checks each PUBLISH and SUBSCRIBE against. Each grant carries a token, kept in
 * the connection's attributes, so the disconnect of a taken-over connection cannot remove its successor's grant.
 */
public final class ConnectedClients {

    /** Name of the connection attribute that holds the grant's token. */
    public static final String TOKEN_ATTRIBUTE = "account-auth.grant-token";

    private final ConcurrentHashMap<String, Grant> byClientId = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    /**
     * Records a successful authentication and shows its plan to the broker through the connection's default
     * permissions; replaces any earlier grant for the client id.
     */
    public Grant register(final String clientId, final PrincipalRecord record, final AccessPlan plan,
                          final boolean cleanStart, final ModifiableDefaultPermissions connectionPermissions) {
        final Grant grant = new Grant(clientId, tokens.incrementAndGet(), record.principal(),
                record.passwordHash(), plan, cleanStart, connectionPermissions);
        byClientId.put(clientId, grant);
        return grant;
    }

    /** The grant of a connected client, or null when it has none (its outgoing messages are then dropped). */
    public Grant get(final String clientId) {
        return byClientId.get(clientId);
    }

    /** Drops the client's grant if it is still the one with this token. */
    public void release(final String clientId, final long token) {
        byClientId.computeIfPresent(clientId, (id, grant) -> grant.token() == token ? null : grant);
    }

    /** The grants of connected clients of these principals, or paired to one of these devices. */
    public Map<Principal, List<Grant>> affectedBy(final java.util.Set<String> principalKeys,
                                                  final java.util.Set<Long> deviceIds) {
        final Map<Principal, List<Grant>> affected = new java.util.HashMap<>();
        for (final Grant grant : byClientId.values()) {
            final boolean direct = principalKeys.contains(grant.principal().key());
            final boolean paired = grant.plan().pairedDeviceIds().stream().anyMatch(deviceIds::contains);
            if (direct || paired) {
                affected.computeIfAbsent(grant.principal(), p -> new ArrayList<>()).add(grant);
            }
        }
        return affected;
    }

    /** What one connection was granted. */
    public static final class Grant {

        private final String clientId;
        private final long token;
        private final Principal principal;
        private final Optional<String> passwordHash;
        private final boolean cleanStart;
        private final ModifiableDefaultPermissions connectionPermissions;
        private volatile AccessPlan plan;
        // the connection's context (null until the client initializer ran), kept to add the guard later
        private ClientContext context;
        private PublishOutboundInterceptor guard;

        Grant(final String clientId, final long token, final Principal principal, final Optional<String> passwordHash,
              final AccessPlan plan, final boolean cleanStart,
              final ModifiableDefaultPermissions connectionPermissions) {
            this.clientId = clientId;
            this.token = token;
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

        public long token() {
            return token;
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
        public synchronized void guardOutbound(final PublishOutboundInterceptor guard) {
            if (this.guard != null) {
                return;
            }
            this.guard = guard;
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
