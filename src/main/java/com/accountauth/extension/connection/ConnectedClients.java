package com.accountauth.extension.connection;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.principal.BrokerPermissions;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.interceptor.disconnect.DisconnectInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.disconnect.parameter.DisconnectInboundInput;
import com.hivemq.extension.sdk.api.interceptor.disconnect.parameter.DisconnectInboundOutput;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;

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
    private final ConcurrentHashMap<ModifiableDefaultPermissions, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    /**
     * Records a successful authentication whose plan the connection's default permissions show already; live
     * changes update them through the grant from now on. The grant waits for {@link #activate} (live changes reach
     * it already).
     */
    public Grant register(final String clientId, final PrincipalRecord record, final AccessPlan plan,
                          final boolean cleanStart, final Optional<String> willTopic,
                          final ModifiableDefaultPermissions connectionPermissions) {
        return register(clientId, record, plan, cleanStart, willTopic, connectionPermissions, true);
    }

    /**
     * {@link #register}, saying whether the client proved itself with its password: a connection that logged in by
     * certificate alone is not ended by a change of the password it never used.
     */
    public Grant register(final String clientId, final PrincipalRecord record, final AccessPlan plan,
                          final boolean cleanStart, final Optional<String> willTopic,
                          final ModifiableDefaultPermissions connectionPermissions, final boolean byPassword) {
        final Grant grant = new Grant(clientId, record.principal(), record.passwordHash(), byPassword, plan,
                cleanStart, willTopic.orElse(null), connectionPermissions);
        final long now = System.nanoTime();
        pending.put(connectionPermissions, new Pending(grant, now));
        sweepNowAndThen(now);
        return grant;
    }

    /**
     * Forgets a grant whose connection was not granted after all (the authentication timed out, or a live change
     * overtook it): nothing touches the connection's permissions through it any more.
     */
    public void withdraw(final Grant grant) {
        grant.withdraw();
        pending.computeIfPresent(grant.connectionPermissions, (key, waiting) -> waiting.grant == grant ? null : waiting);
    }

    /** A grant waiting for its connection to be initialised, and since when (only waiting grants need the time). */
    private record Pending(Grant grant, long registeredAt) {
    }

    private void sweepNowAndThen(final long now) {
        final long last = lastSweep.get();
        if (now - last > PENDING_LIMIT_NANOS && lastSweep.compareAndSet(last, now)) {
            pending.values().removeIf(waiting -> now - waiting.registeredAt > PENDING_LIMIT_NANOS);
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
        final Pending waiting = pending.remove(context.getDefaultPermissions());
        if (waiting == null) {
            return null;
        }
        final Grant grant = waiting.grant;
        // the grant is an interceptor HiveMQ calls at most once (on the client's DISCONNECT), added only to be held
        context.addDisconnectInboundInterceptor(grant);
        byClientId.put(clientId, new GrantReference(clientId, grant, collected));
        grant.attach(context);
        return grant;
    }

    /** The grant of a connected client, or null when it has none. */
    public Grant get(final String clientId) {
        final GrantReference reference = byClientId.get(clientId);
        return reference == null ? null : reference.get();
    }

    /** The grants of connected clients (not of those still connecting), a snapshot. */
    public List<Grant> connected() {
        final List<Grant> grants = new ArrayList<>();
        for (final GrantReference reference : byClientId.values()) {
            final Grant grant = reference.get();
            if (grant != null) {
                grants.add(grant);
            }
        }
        return grants;
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

    /** The grants of connected (or connecting) clients the changes touch, by principal; every grant for a resync. */
    public Map<Principal, List<Grant>> affectedBy(final ChangeSet changes) {
        final Set<String> principalKeys = changes.principalKeys();
        final Set<Long> deviceIds = changes.deviceIds();
        final Map<Principal, List<Grant>> affected = new HashMap<>();
        final List<Grant> grants = new ArrayList<>();
        for (final Pending waiting : pending.values()) {
            grants.add(waiting.grant);
        }
        for (final GrantReference reference : byClientId.values()) {
            final Grant grant = reference.get();
            if (grant != null) {
                grants.add(grant);
            }
        }
        for (final Grant grant : grants) {
            final boolean direct = changes.all() || principalKeys.contains(grant.principal().key());
            final boolean paired = grant.plan().pairsAnyOf(deviceIds);
            if (direct || paired) {
                affected.computeIfAbsent(grant.principal(), p -> new ArrayList<>()).add(grant);
            }
        }
        return affected;
    }

    /**
     * What one connection was granted. It is also a no-op interceptor of the connection's DISCONNECT: that is how the
     * connection's client context holds it, for exactly as long as the connection lasts, without an object of its own.
     */
    public static final class Grant implements DisconnectInboundInterceptor {

        private final String clientId;
        private final Principal principal;
        private final String passwordHash;
        private final boolean byPassword;
        private final boolean cleanStart;
        private final String willTopic;
        private final ModifiableDefaultPermissions connectionPermissions;
        private volatile AccessPlan plan;
        // the connection's context (null until the client initializer ran), kept to add the guard later
        private ClientContext context;
        private OutboundTopicGuard guard;
        // set once the connection lost receive rights: its guard stays to the end
        private boolean guardKept;
        // set when the grant was not given after all: a refresh that still holds it must not touch the permissions
        private boolean withdrawn;
        // set when a live change took the grant away (the account went, or its password changed)
        private DisconnectReasonCode revokedWith;

        Grant(final String clientId, final Principal principal, final String passwordHash, final boolean byPassword,
              final AccessPlan plan, final boolean cleanStart, final String willTopic,
              final ModifiableDefaultPermissions connectionPermissions) {
            this.clientId = clientId;
            this.willTopic = willTopic;
            this.principal = principal;
            this.passwordHash = passwordHash;
            this.byPassword = byPassword;
            this.plan = plan;
            this.cleanStart = cleanStart;
            this.connectionPermissions = connectionPermissions;
        }

        synchronized void withdraw() {
            withdrawn = true;
        }

        /** Marks the grant as taken away by a live change; {@link #revokedWith()} says so from now on. */
        public synchronized void revoke(final DisconnectReasonCode code) {
            revokedWith = code;
        }

        /** Why a live change took the grant away, if one did. */
        public synchronized Optional<DisconnectReasonCode> revokedWith() {
            return Optional.ofNullable(revokedWith);
        }

        /** True when the connection started a new session (so it has no subscriptions yet). */
        public boolean cleanStart() {
            return cleanStart;
        }

        public String clientId() {
            return clientId;
        }

        /** The topic of the Will the client sent with its CONNECT (the broker checked it then), if any. */
        public Optional<String> willTopic() {
            return Optional.ofNullable(willTopic);
        }

        public Principal principal() {
            return principal;
        }

        /** The hash the client logged in against (null: none): a different one in the DB means a new password. */
        public String passwordHash() {
            return passwordHash;
        }

        /** True when the client proved itself with its password (false: by certificate alone). */
        public boolean byPassword() {
            return byPassword;
        }

        @Override
        public void onInboundDisconnect(final DisconnectInboundInput input, final DisconnectInboundOutput output) {
            // nothing to do: added only so that the connection holds its grant
        }

        public AccessPlan plan() {
            return plan;
        }

        public Permissions permissions() {
            return plan.permissions();
        }

        /** Replaces the plan, e.g. after a pairing changed; the broker checks the next message against it. */
        public synchronized void updatePlan(final AccessPlan plan) {
            if (withdrawn) {
                return;
            }
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
         * Checks every message leaving for this connection from now on, for good: the connection lost receive rights
         * while its queue may hold messages it may no longer receive. Costs a task per message, so it is added only
         * where needed, at most once.
         */
        public synchronized void guardOutbound() {
            guardKept = true;
            addGuard();
        }

        /**
         * Checks every message leaving for this connection until {@link #releaseGuard()}: for a resumed session,
         * until its subscriptions show whether its queue can hold messages it may no longer receive.
         */
        public synchronized void guardUntilReleased() {
            addGuard();
        }

        /** Takes away the check of {@link #guardUntilReleased()}, unless the connection has lost rights meanwhile. */
        public synchronized void releaseGuard() {
            if (guard != null && !guardKept) {
                if (context != null) {
                    context.removePublishOutboundInterceptor(guard);
                }
                guard = null;
            }
        }

        /** True while every message leaving for this connection is checked. */
        public synchronized boolean guarded() {
            return guard != null;
        }

        private void addGuard() {
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
