package com.accountauth.extension.sync;

import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.cache.ClientIdUses;
import com.accountauth.extension.config.ClientIdSettings;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Keeps {@code client_ids} bounded: once per {@code <last-used-interval-seconds>}, marks used (one batch) every binding
 * granted since the last run and every binding a connected client holds, then deletes the bindings unused for
 * {@code <expire-unused-after-seconds>}. A connected client's binding is thus marked at least once per interval and
 * never expires under it. A deleted binding is no change for the feed (it grants no right): only the owners this node
 * cached are forgotten, so that none outlives its row. Runs on its own thread, never a broker thread.
 */
public final class ClientIdUpkeep implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ClientIdUpkeep.class);
    /** Runs of the expiry statement per upkeep at most (each deletes up to its LIMIT). */
    static final int MAX_DELETE_RUNS = 100;

    private final AccountRepository repository;
    private final ClientIdUses uses;
    private final ConnectedClients clients;
    private final AccessCaches caches;
    private final ClientIdSettings settings;
    private final Function<String, CompletableFuture<Boolean>> isConnected;

    /**
     * @param isConnected whether a client id is connected now ({@code ClientService.isClientConnected}): a grant may
     *                    outlive its connection until it is collected
     */
    public ClientIdUpkeep(final AccountRepository repository, final ClientIdUses uses, final ConnectedClients clients,
                          final AccessCaches caches, final ClientIdSettings settings,
                          final Function<String, CompletableFuture<Boolean>> isConnected) {
        this.repository = repository;
        this.uses = uses;
        this.clients = clients;
        this.caches = caches;
        this.settings = settings;
        this.isConnected = isConnected;
    }

    @Override
    public void run() {
        try {
            touch();
            expire();
        } catch (final AccountStoreUnavailableException e) {
            log.warn("account-auth: client-id upkeep: {} (tried again in {} s)", e.getMessage(),
                    settings.lastUsedIntervalSeconds());
        } catch (final RuntimeException e) {
            // a scheduled task that throws is never run again
            log.error("account-auth: client-id upkeep failed", e);
        }
    }

    private void touch() throws AccountStoreUnavailableException {
        final Set<String> used = uses.drain();
        used.addAll(connectedClientIds());
        try {
            repository.touchClientIds(used);
        } catch (final AccountStoreUnavailableException e) {
            uses.putBack(used);
            throw e;
        }
    }

    private List<String> connectedClientIds() {
        final List<String> candidates = new ArrayList<>();
        final List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        for (final ConnectedClients.Grant grant : clients.connected()) {
            if (!isDeviceMac(grant.principal(), grant.clientId())) {
                candidates.add(grant.clientId());
                answers.add(isConnected.apply(grant.clientId()));
            }
        }
        final List<String> connected = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            try {
                if (answers.get(i).get(10, TimeUnit.SECONDS)) {
                    connected.add(candidates.get(i));
                }
            } catch (final ExecutionException | TimeoutException e) {
                connected.add(candidates.get(i)); // not known: marking a binding once too often does no harm
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return connected;
            }
        }
        return connected;
    }

    private void expire() throws AccountStoreUnavailableException {
        int deleted = 0;
        for (int run = 0; run < MAX_DELETE_RUNS; run++) {
            final int rows = repository.expireClientIds(settings.expireUnusedAfterSeconds());
            deleted += rows;
            if (rows == 0) {
                break;
            }
        }
        if (deleted > 0) {
            caches.forgetClientIdOwners();
            log.info("account-auth: {} client-id binding{} unused for {} s deleted", deleted,
                    deleted == 1 ? "" : "s", settings.expireUnusedAfterSeconds());
        }
    }

    /** A device's own MAC needs no binding (it is reserved to it); its uid is not known here and is marked anyway. */
    private boolean isDeviceMac(final Principal principal, final String clientId) {
        return settings.reserveDeviceIds() && principal.kind() == Principal.Kind.DEVICE && UsernameParser.parse(clientId)
                .map(login -> login.lookupKey().equals(principal.name())).orElse(false);
    }
}
