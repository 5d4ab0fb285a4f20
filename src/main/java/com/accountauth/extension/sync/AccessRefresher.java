package com.accountauth.extension.sync;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.principal.PrincipalLoader;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.Rehashes;
import com.accountauth.extension.util.AuditLog;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies DB changes to connected clients: a deleted, disabled or re-passworded principal is disconnected; anyone
 * else gets its access plan recomputed, its grant updated and its session's subscriptions brought in line.
 * <p>
 * A Will never outlives the right to send it: HiveMQ checks a Will only at CONNECT and publishes it later without
 * looking again, and there is no way to change a Will after CONNECT. So every disconnect for a change prevents the
 * Will, and when a change takes away a client's Will topic, {@link PendingWills} disconnects it without its Will, or
 * cancels the Will still pending for a connection that has gone (a Will Delay Interval).
 * <p>
 * A client that a rule of CONNECT would now refuse ({@link Recheck}: a config reload tightened its client id's
 * pattern or the formats and costs its stored hash may have) is disconnected as well.
 */
public final class AccessRefresher {

    private static final Logger log = LoggerFactory.getLogger(AccessRefresher.class);

    private final ConnectedClients clients;
    private final PrincipalLoader loader;
    private final SessionSubscriptions subscriptions;
    private final PendingWills pendingWills;
    private final Rehashes rehashes;
    private final Recheck recheck;

    /** Why a connected client would now be refused at CONNECT, by a rule that needs neither the DB nor a password. */
    @FunctionalInterface
    public interface Recheck {
        /** None: the rules of CONNECT are those the clients were admitted by. */
        Recheck NONE = (record, grant) -> Optional.empty();

        Optional<String> refusal(PrincipalRecord record, ConnectedClients.Grant grant);
    }

    /** @param rehashes the hashes this node rewrote on login: a rewrite is no change of password */
    public AccessRefresher(final ConnectedClients clients, final PrincipalLoader loader,
                           final SessionSubscriptions subscriptions, final PendingWills pendingWills,
                           final Rehashes rehashes) {
        this(clients, loader, subscriptions, pendingWills, rehashes, Recheck.NONE);
    }

    /** @param recheck asked for every connected client refreshed, with its principal's row as read now */
    public AccessRefresher(final ConnectedClients clients, final PrincipalLoader loader,
                           final SessionSubscriptions subscriptions, final PendingWills pendingWills,
                           final Rehashes rehashes, final Recheck recheck) {
        this.recheck = recheck;
        this.clients = clients;
        this.loader = loader;
        this.subscriptions = subscriptions;
        this.pendingWills = pendingWills;
        this.rehashes = rehashes;
    }

    /**
     * Refreshes every connected client the changes touch: of a changed principal, or paired to a changed device.
     *
     * @throws AccountStoreUnavailableException when the DB cannot answer; the caller tries the same changes again
     */
    public void refresh(final ChangeSet changes) throws AccountStoreUnavailableException {
        final Map<Principal, List<ConnectedClients.Grant>> connected = clients.affectedBy(changes);
        final Map<Principal, List<String>> withWills = pendingWills.affectedBy(changes);
        final Set<Principal> principals = new LinkedHashSet<>(connected.keySet());
        principals.addAll(withWills.keySet());
        for (final Principal principal : principals) {
            refresh(principal, connected.getOrDefault(principal, List.of()),
                    withWills.getOrDefault(principal, List.of()));
        }
    }

    private void refresh(final Principal principal, final List<ConnectedClients.Grant> grants,
                         final List<String> willClientIds) throws AccountStoreUnavailableException {
        final Optional<PrincipalRecord> found = loader.find(principal);
        final Optional<String> revoked = found.isEmpty() ? Optional.of(principal + " was deleted")
                : !found.get().enabled() ? Optional.of(principal + " was disabled")
                : found.get().roleProblem().map(problem -> principal + " has " + problem);
        if (revoked.isPresent()) {
            disconnect(grants, DisconnectReasonCode.NOT_AUTHORIZED, revoked.get());
            willClientIds.forEach(clientId -> pendingWills.cancel(clientId, revoked.get()));
            return;
        }
        final PrincipalRecord record = found.get();
        final AccessPlan plan = loader.plan(record);
        final List<String> updated = new ArrayList<>(grants.size());
        for (final ConnectedClients.Grant grant : grants) {
            // a client in by certificate alone never used the password: a new one does not end its connection
            if (grant.byPassword() && !rehashes.sameSecret(principal.key(), grant.passwordHash(),
                    record.passwordHash())) {
                disconnect(List.of(grant), DisconnectReasonCode.ADMINISTRATIVE_ACTION,
                        principal + " changed its password");
                continue;
            }
            final Optional<String> refusal = recheck.refusal(record, grant);
            if (refusal.isPresent()) {
                disconnect(List.of(grant), DisconnectReasonCode.NOT_AUTHORIZED,
                        refusal.get() + " (now refused at CONNECT)");
                continue;
            }
            if (!plan.permissions().allowsEverySubscriptionOf(grant.permissions())) {
                // messages already queued for a subscription that goes must not be delivered after all; the check
                // reads the grant's plan, so it is in place before the plan changes
                grant.guardOutbound();
            }
            grant.updatePlan(plan);
            updated.add(grant.clientId());
            pendingWills.planChanged(grant);
            subscriptions.apply(grant.clientId());
        }
        // a connected client whose Will topic went is disconnected without its Will, a gone one's pending Will
        // cancelled: the same call does both
        for (final String clientId : willClientIds) {
            if (!pendingWills.stillAllowed(clientId, principal, record.passwordHash(), plan)) {
                pendingWills.cancel(clientId, principal + " may no longer publish its Will");
            }
        }
        if (updated.isEmpty()) {
            return;
        }
        log.info("account-auth: access of {} updated for {} connected client(s): {} publish and {} subscribe " +
                        "permissions", principal, updated.size(), plan.permissions().publish().size(),
                plan.permissions().subscribe().size());
        AuditLog.clientsUpdated(principal.toString(), updated, plan.permissions().publish().size(),
                plan.permissions().subscribe().size());
    }

    private void disconnect(final List<ConnectedClients.Grant> grants, final DisconnectReasonCode code,
                            final String why) {
        for (final ConnectedClients.Grant grant : grants) {
            // nothing may be done in its name from now on, even before the DISCONNECT is out
            grant.guardOutbound();
            grant.updatePlan(AccessPlan.NONE);
            // marked before asking whose the client id is: a connection that initialises meanwhile sees the mark
            grant.revoke(code);
            if (clients.get(grant.clientId()) != grant) {
                // not initialised yet, or superseded by a newer connection of the client id, which may be entitled:
                // the client id is not disconnected for it; it is refused when (if ever) it initialises
                log.debug("account-auth: grant of client '{}' revoked before its connection was initialised: {}",
                        grant.clientId(), why);
                continue;
            }
            log.info("account-auth: disconnecting client '{}' with {}: {}", grant.clientId(), code, why);
            AuditLog.clientDisconnected(grant.clientId(), grant.principal().toString(), code.name(), why);
            // its Will too: the right to send it went with the rest
            pendingWills.forget(grant.clientId());
            Services.clientService().disconnectClient(grant.clientId(), true, code, null)
                    .whenComplete((wasConnected, failure) -> {
                        if (failure != null) {
                            log.warn("account-auth: could not disconnect client '{}': {}", grant.clientId(),
                                    failure.getMessage());
                        }
                    });
        }
    }
}
