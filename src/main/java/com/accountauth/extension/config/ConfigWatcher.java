package com.accountauth.extension.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Looks at conf/config.xml again (run on a schedule, {@code <reload>/<interval-seconds>}): a new content is validated
 * as at start; a valid one hands its reloadable parts ({@link ReloadableParts}) to the reload, an invalid one is
 * logged with the same messages as at start and the running configuration is kept, as is one whose reloaded parts
 * break a rule with the running value of an element that needs a restart. A half-written file is just an
 * invalid one: its completed version is another content, read at the next look.
 */
public final class ConfigWatcher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    /** What one look found. */
    public enum Outcome { UNCHANGED, INVALID, NOTHING_TO_TAKE_OVER, RELOADED }

    private final ConfigLoader loader;
    /** Takes over a config whose reloadable parts changed. */
    @FunctionalInterface
    public interface Reload {
        /**
         * @param adopted        the running config with the reloadable parts of the new version
         * @param recomputeGrants whether connected clients must be looked at again (see
         *                        {@link ReloadableParts#needsResync})
         */
        void apply(AccountAuthConfig adopted, boolean recomputeGrants);
    }

    private final Reload reload;
    private ConfigFile seen;
    private volatile AccountAuthConfig running;

    /**
     * @param atStart the file as the running config was read from it
     * @param reload  takes over a config whose reloadable parts changed (the running one with them)
     */
    public ConfigWatcher(final ConfigLoader loader, final ConfigFile atStart, final AccountAuthConfig running,
                         final Reload reload) {
        this.loader = loader;
        this.seen = atStart;
        this.running = running;
        this.reload = reload;
    }

    /** The config in use: the one of the start, with the reloadable parts of the last valid reload. */
    public AccountAuthConfig running() {
        return running;
    }

    @Override
    public void run() {
        try {
            check();
        } catch (final RuntimeException e) {
            // the schedule must go on: a later version of the file may be fine
            log.error("account-auth: {}: could not reload, kept the running configuration: {}", seen.path(),
                    e.toString());
        }
    }

    /** One look at the file; called by one thread at a time. */
    public synchronized Outcome check() {
        final ConfigFile now = ConfigFile.read(seen.path());
        if (now.sameContentAs(seen)) {
            return Outcome.UNCHANGED;
        }
        // remembered whatever it holds: an invalid version is reported once, not at every look
        seen = now;
        final AccountAuthConfig loaded;
        try {
            loaded = loader.load(now);
        } catch (final InvalidConfigException e) {
            refused(now, e.problems());
            return Outcome.INVALID;
        }
        final AccountAuthConfig before = running;
        final List<String> restartOnly = ReloadableParts.needingRestart(before, loaded);
        for (final String element : restartOnly) {
            log.warn("account-auth: {}: {} changed, which takes effect only after a restart; kept its running value",
                    now.path(), element);
        }
        final List<String> reloaded = ReloadableParts.reloaded(before, loaded);
        if (reloaded.isEmpty()) {
            log.info("account-auth: {}: changed, but not in what a reload takes over", now.path());
            return Outcome.NOTHING_TO_TAKE_OVER;
        }
        final AccountAuthConfig adopted = ReloadableParts.adopt(before, loaded);
        final List<String> conflicts = ReloadableParts.conflicts(adopted);
        if (!conflicts.isEmpty()) {
            refused(now, conflicts);
            return Outcome.INVALID;
        }
        final boolean recompute = ReloadableParts.needsResync(reloaded);
        reload.apply(adopted, recompute);
        running = adopted;
        log.info("account-auth: {}: reloaded {}{}", now.path(), String.join(", ", reloaded),
                recompute ? "; the grants of connected clients are recomputed" : "");
        return Outcome.RELOADED;
    }

    private static void refused(final ConfigFile file, final List<String> problems) {
        problems.forEach(problem -> log.error("account-auth: {}: {}", file.path(), problem));
        log.error("account-auth: {}: not reloaded, kept the running configuration ({} problem{}, each logged above)",
                file.path(), problems.size(), problems.size() == 1 ? "" : "s");
    }
}
