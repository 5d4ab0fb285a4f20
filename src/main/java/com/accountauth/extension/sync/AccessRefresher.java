package com.accountauth.extension.sync;

import com.accountauth.extension.auth.AccessPlan;
import com.accountauth.extension.auth.ConnectedClients;
import com.accountauth.extension.auth.PrincipalLoader;
import com.accountauth.extension.auth.PrincipalRecord;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies DB changes to connected clients: a deleted, disabled or re-passworded principal is disconnected; anyone
 * else gets its access plan recomputed, its grant updated and its session's subscriptions brought in line.
 */
public final class AccessRefresher {

    private static final Logger log = LoggerFactory.getLogger(AccessRefresher.class);

    private final ConnectedClients clients;
    private final PrincipalLoader loader;
    private final SessionSubscriptions subscriptions;

    public AccessRefresher(final ConnectedClients clients, final PrincipalLoader loader,
                           final SessionSubscriptions subscriptions) {
        this.clients = clients;
        this.loader = loader;
        this.subscriptions = subscriptions;
    }

    /**
     * Refreshes every connected client the changes touch: of a changed principal, or paired to a changed device.
     *
     * @throws AccountStoreUnavailableException when the DB cannot answer; the caller tries the same changes again
     */
    public void refresh(final ChangeSet changes) throws AccountStoreUnavailableException {
        for (final Map.Entry<Principal, List<ConnectedClients.Grant>> entry :
                clients.affectedBy(changes).entrySet()) {
            refresh(entry.getKey(), entry.getValue());
        }
    }

    private void refresh(final Principal principal, final List<ConnectedClients.Grant> grants)
            throws AccountStoreUnavailableException {
        final Optional<PrincipalRecord> found = loader.find(principal);
        if (found.isEmpty()) {
            disconnect(grants, DisconnectReasonCode.NOT_AUTHORIZED, principal + " was deleted");
            return;
        }
        final PrincipalRecord record = found.get();
        if (!record.enabled()) {
            disconnect(grants, DisconnectReasonCode.NOT_AUTHORIZED, principal + " was disabled");
            return;
        }
        if (record.roleProblem().isPresent()) {
            disconnect(grants, DisconnectReasonCode.NOT_AUTHORIZED, principal + " has " + record.roleProblem().get());
            return;
        }
        final AccessPlan plan = loader.plan(record);
        for (final ConnectedClients.Grant grant : grants) {
            if (!Objects.equals(grant.passwordHash(), record.passwordHash())) {
                disconnect(List.of(grant), DisconnectReasonCode.ADMINISTRATIVE_ACTION,
                        principal + " changed its password");
                continue;
            }
            if (!plan.permissions().allowsEverySubscriptionOf(grant.permissions())) {
                // messages already queued for a subscription that goes must not be delivered after all; the check
                // reads the grant's plan, so it is in place before the plan changes
                grant.guardOutbound();
            }
            grant.updatePlan(plan);
            subscriptions.apply(grant.clientId(), plan);
        }
        log.info("account-auth: access of {} updated for {} connected client(s): {} publish and {} subscribe " +
                        "permissions", principal, grants.size(), plan.permissions().publish().size(),
                plan.permissions().subscribe().size());
    }

    private void disconnect(final List<ConnectedClients.Grant> grants, final DisconnectReasonCode code,
                            final String why) {
        for (final ConnectedClients.Grant grant : grants) {
            log.info("account-auth: disconnecting client '{}' with {}: {}", grant.clientId(), code, why);
            // nothing may be done in its name from now on, even before the DISCONNECT is out
            grant.guardOutbound();
            grant.updatePlan(AccessPlan.NONE);
            Services.clientService().disconnectClient(grant.clientId(), false, code, null);
        }
    }
}
