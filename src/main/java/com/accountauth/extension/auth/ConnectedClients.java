package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.identity.Principal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The principal and permissions of every connected client, by client id: what the authorizers consult for each
 * PUBLISH and SUBSCRIBE without touching the DB. Each grant carries a token, kept in the connection's attributes, so
 * the disconnect of a taken-over connection cannot remove its successor's grant.
 */
public final class ConnectedClients {

    /** Name of the connection attribute that holds the grant's token. */
    public static final String TOKEN_ATTRIBUTE = "account-auth.grant-token";

    private final ConcurrentHashMap<String, Grant> byClientId = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    /** Records a successful authentication; replaces any earlier grant for the client id. */
    public Grant register(final String clientId, final Principal principal, final Permissions permissions) {
        final Grant grant = new Grant(tokens.incrementAndGet(), principal, permissions);
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

    /** Number of grants held, for tests and metrics. */
    public int size() {
        return byClientId.size();
    }

    /** What one connection was granted. */
    public static final class Grant {

        private final long token;
        private final Principal principal;
        private volatile Permissions permissions;

        Grant(final long token, final Principal principal, final Permissions permissions) {
            this.token = token;
            this.principal = principal;
            this.permissions = permissions;
        }

        public long token() {
            return token;
        }

        public Principal principal() {
            return principal;
        }

        public Permissions permissions() {
            return permissions;
        }

        /** Replaces the permissions, e.g. after a pairing changed. */
        public void updatePermissions(final Permissions permissions) {
            this.permissions = permissions;
        }
    }
}
