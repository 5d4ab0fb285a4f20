package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.identity.Principal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The principal and access plan of every connected client, by client id: what the authorizers consult for each
 * PUBLISH and SUBSCRIBE without touching the DB, and what live changes update. Each grant carries a token, kept in
 * the connection's attributes, so the disconnect of a taken-over connection cannot remove its successor's grant.
 */
public final class ConnectedClients {

    /** Name of the connection attribute that holds the grant's token. */
    public static final String TOKEN_ATTRIBUTE = "account-auth.grant-token";

    private final ConcurrentHashMap<String, Grant> byClientId = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    /** Records a successful authentication; replaces any earlier grant for the client id. */
    public Grant register(final String clientId, final PrincipalRecord record, final AccessPlan plan,
                          final boolean cleanStart) {
        final Grant grant = new Grant(clientId, tokens.incrementAndGet(), record.principal(),
                record.passwordHash(), plan, cleanStart);
        byClientId.put(clientId, grant);
        return grant;
    }

    /** The grant of a connected client, or null when it has none (which the authorizers treat as deny). */
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
        private volatile AccessPlan plan;

        Grant(final String clientId, final long token, final Principal principal, final Optional<String> passwordHash,
              final AccessPlan plan, final boolean cleanStart) {
            this.clientId = clientId;
            this.token = token;
            this.principal = principal;
            this.passwordHash = passwordHash;
            this.plan = plan;
            this.cleanStart = cleanStart;
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

        /** Replaces the plan, e.g. after a pairing changed. */
        public void updatePlan(final AccessPlan plan) {
            this.plan = plan;
        }
    }
}
