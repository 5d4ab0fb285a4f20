package com.accountauth.extension.sync;

import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.principal.PrincipalLoader;

import java.util.function.Consumer;

/**
 * Takes over a reloaded config.xml: plans are made with its templates from now on, then everything counts as changed,
 * through the same path as a resync of the change feed. That path closes the race with CONNECTs in flight (see
 * docs/RELOAD.md): the swap comes before the change is numbered, and a plan read before the number, with the old
 * templates or not, is read again; the grants of connected clients are recomputed with the new templates.
 */
public final class ConfigReloader implements Consumer<AccountAuthConfig> {

    /** Counts everything as changed, later and on the thread that applies changes. */
    @FunctionalInterface
    public interface Resync {
        void request(String why);
    }

    private final PrincipalLoader loader;
    private final Resync resync;

    public ConfigReloader(final PrincipalLoader loader, final Resync resync) {
        this.loader = loader;
        this.resync = resync;
    }

    @Override
    public void accept(final AccountAuthConfig config) {
        loader.usePlanner(new PermissionPlanner(config.permissions(), config.autoSubscribe()));
        resync.request("config.xml was reloaded");
    }
}
