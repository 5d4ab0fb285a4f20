package com.accountauth.extension.cache;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client ids granted since the bindings were last marked used: a CONNECT only adds its id here (no DB write), and
 * the upkeep marks them all used in one batch per interval, so a binding costs at most one write per interval.
 */
public final class ClientIdUses {

    private final Set<String> used = ConcurrentHashMap.newKeySet();

    /** A CONNECT was granted with this client id. */
    public void used(final String clientId) {
        used.add(clientId);
    }

    /** The ids used since the last call, now forgotten here. */
    public Set<String> drain() {
        final Set<String> drained = new HashSet<>();
        for (final String clientId : used) {
            if (used.remove(clientId)) {
                drained.add(clientId);
            }
        }
        return drained;
    }

    /** Ids that could not be marked used (the DB was down): marked with the next batch. */
    public void putBack(final Set<String> clientIds) {
        used.addAll(clientIds);
    }
}
