package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.interceptor.disconnect.DisconnectInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.disconnect.parameter.DisconnectInboundInput;
import com.hivemq.extension.sdk.api.interceptor.disconnect.parameter.DisconnectInboundOutput;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The principal and access plan of every connected client, by client id: what live changes update, and through the
 * grant the permissions the broker checks each PUBLISH and SUBSCRIBE against.
 * <p>
 * A grant is made at authentication but becomes the client id's only once its connection is initialised, which
 * HiveMQ does after a takeover has closed the previous connection. Until then it waits, found by the connection's
 * permissions object (one per connection, shared by the authenticator's output and the client context). From then on
 * the connection itself holds its grant, through its client context, and this registry refers to it weakly: the grant
 * goes with its connection, with no lifecycle listener (which would cost every connection three tasks and a map of
 * its own) and no race between a taken-over connection's disconnect and its successor.
 */
public final class ConnectedClients {

    // a connection that authenticated but never got initialised (it went before its CONNACK) is forgotten after this
    private static final long PENDING_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ConcurrentHashMap<String, GrantReference> byClientId = new ConcurrentHashMap<>();
    private final ReferenceQueue<Grant> collected = new ReferenceQueue<>();
    // keyed by identity (HiveMQ's permissions object does not override equals); holds only connections between
    // authentication and initialisation, so a sweep now and then is cheaper than a cache with expiry
    private final ConcurrentHashMap<ModifiableDefaultPermissions, Grant> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    /**
     * Records a successful authentication and shows its plan to the broker through the connection's default
     * permissions. The grant waits for {@link #activate} (or for live changes, which reach it already).
     */
    public Grant register(final String clientId, final PrincipalRecord record, final AccessPlan plan,
                          final boolean cleanStart, final ModifiableDefaultPermissions connectionPermissions) {
        final Grant grant = new Grant(clientId, record.principal(), record.passwordHash(), plan, cleanStart,
                connectionPermissions);
        pending.put(connectionPermissions, grant);
        sweepNowAndThen(grant.registeredAt);
        return grant;
    }

    /** Forgets a grant whose connection was refused after all (the authentication had timed out). */
    public void withdraw(final Grant grant) {
        pending.remove(grant.connectionPermissions, grant);
    }

    private void sweepNowAndThen(final long now) {
        final long last = lastSweep.get();
        if (now - last > PENDING_LIMIT_NANOS && lastSweep.compareAndSet(last, now)) {
            pending.values().removeIf(grant -> now - grant.registeredAt > PENDING_LIMIT_NANOS);
        }
        for (Reference<? extends Grant> gone = collected.poll(); gone != null; gone = collected.poll()) {
            byClientId.remove(((GrantReference) gone).clientId, gone);
        }
    }

    /**
     * Makes the waiting grant of this connection the client id's grant, replacing any earlier one, and lets the
     * connection hold it; null when the connection has none.
     */
    public Grant activate(final String clientId, final ClientContext context) {
        final Grant grant = pending.remove(context.getDefaultPermissions());
        if (grant == null) {
            return null;
        }
        // an interceptor HiveMQ calls at most once (on the client's DISCONNECT), here only to hold the grant
        context.addDisconnectInboundInterceptor(new GrantHolder(grant));
        byClientId.put(clientId, new GrantReference(clientId, grant, collected));
        grant.attach(context);
        return grant;
    }

    /** The grant of a connected client, or null when it has none. */
    public Grant get(final String clientId) {
        final GrantReference reference = byClientId.get(clientId);
        return reference == null ? null : reference.get();
    }

    /** Guards a connection that has no grant: nothing may reach it. */
    public static void guardWithoutGrant(final ClientContext context) {
        context.addPublishOutboundInterceptor(OutboundTopicGuard.DENY_ALL);
    }

    /** A client id's grant, as long as its connection holds it. */
    private static final class GrantReference extends WeakReference<Grant> {

        private final String clientId;

        GrantReference(final String clientId, final Grant grant, final ReferenceQueue<Grant> queue) {
            super(grant, queue);
            this.clientId = clientId;
        }
    }

    /** Keeps a grant reachable for exactly as long as its connection's client context is. */
    private record GrantHolder(Grant grant) implements DisconnectInboundInterceptor {

        @Override
        public void onInboundDisconnect(final DisconnectInboundInput input, final DisconnectInboundOutput output) {
        }
    }

    /** The grants of connected (or connecting) clients of these principals, or paired to one of these devices. */
    public Map<Principal, List<Grant>> affectedBy(final Set<String> principalKeys, final Set<Long> deviceIds) {
        final Map<Principal, List<Grant>> affected = new HashMap<>();
        final List<Grant> grants = new ArrayList<>(pending.values());
        for (final GrantReference reference : byClientId.values()) {
            final Grant grant = reference.get();
            if (grant != null) {
                grants.add(grant);
            }
        }
        for (final Grant grant : grants) {
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
        private final Principal principal;
        private final Optional<String> passwordHash;
        private final boolean cleanStart;
        private final ModifiableDefaultPermissions connectionPermissions;
        private final long registeredAt = System.nanoTime();
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
        synchronized void attach(final ClientContext context) {
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
    }
}
