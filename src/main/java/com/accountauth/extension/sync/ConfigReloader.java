package com.accountauth.extension.sync;

import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.ConfigWatcher;
import com.accountauth.extension.principal.PrincipalLoader;

import java.util.List;
import java.util.function.Consumer;

/**
 * Takes over a reloaded config.xml: each running part swaps in its new settings (one reference each, so a CONNECT
 * reads all of one version of a part), plans are made with the new templates from now on, then, where connected
 * clients are concerned, everything counts as changed, through the same path as a resync of the change feed. That
 * path closes the race with CONNECTs in flight (see docs/RELOAD.md): the swaps come before the change is numbered,
 * and a CONNECT decided before the number, with the old settings or not, is decided again; the grants of connected
 * clients are recomputed, and a client the new version would refuse at CONNECT is disconnected.
 */
public final class ConfigReloader implements ConfigWatcher.Reload {

    /** Counts everything as changed, later and on the thread that applies changes. */
    @FunctionalInterface
    public interface Resync {
        void request(String why);
    }

    private final PrincipalLoader loader;
    private final List<Consumer<AccountAuthConfig>> parts;
    private final Resync resync;

    /**
     * @param parts the running parts, each taking its settings from a reloaded config; the one that may fail (it makes
     *              hashes) first, so that a failure swaps nothing
     */
    public ConfigReloader(final PrincipalLoader loader, final List<Consumer<AccountAuthConfig>> parts,
                          final Resync resync) {
        this.loader = loader;
        this.parts = List.copyOf(parts);
        this.resync = resync;
    }

    @Override
    public void apply(final AccountAuthConfig config, final boolean recomputeGrants) {
        parts.forEach(part -> part.accept(config));
        loader.usePlanner(new PermissionPlanner(config.permissions(), config.autoSubscribe()));
        if (recomputeGrants) {
            resync.request("config.xml was reloaded");
        }
    }
}
