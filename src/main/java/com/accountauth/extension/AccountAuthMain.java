package com.accountauth.extension;

import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.auth.AccountAuthenticator;
import com.accountauth.extension.auth.AuthenticationWorkers;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.connection.ConnectedKinds;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.util.AuditLog;
import com.accountauth.extension.auth.CredentialChecker;
import com.accountauth.extension.auth.LockedAuthenticator;
import com.accountauth.extension.auth.PasswordUpgrader;
import com.accountauth.extension.principal.PrincipalLoader;
import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.cache.ClientIdUses;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.ConfigFile;
import com.accountauth.extension.config.ConfigLoader;
import com.accountauth.extension.config.ConfigWatcher;
import com.accountauth.extension.config.InvalidConfigException;
import com.accountauth.extension.config.LoggableJdbcUrl;
import com.accountauth.extension.config.PasswordSettings;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.DataSourceFactory;
import com.accountauth.extension.db.JdbcDriverRelease;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.db.DbHealth;
import com.accountauth.extension.db.RenewablePool;
import com.accountauth.extension.password.HashSchemes;
import com.accountauth.extension.password.PasswordVerifier;
import com.accountauth.extension.password.Rehashes;
import com.accountauth.extension.sync.AccessRefresher;
import com.accountauth.extension.sync.ChangeApplier;
import com.accountauth.extension.sync.ChangeFeed;
import com.accountauth.extension.sync.ConfigReloader;
import com.accountauth.extension.sync.DevicePreload;
import com.accountauth.extension.sync.ClientIdUpkeep;
import com.accountauth.extension.sync.HiveMqSessionStore;
import com.accountauth.extension.sync.PendingWills;
import com.accountauth.extension.sync.SessionInitializer;
import com.accountauth.extension.sync.SessionSubscriptions;
import com.accountauth.extension.throttle.ConnectThrottle;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Wiring only: config, then pool, repository, loader and verifier, then the authenticator, then the
 * session initializer and the change feed. If any of it fails, the extension starts locked (every CONNECT refused),
 * never not at all: HiveMQ would then ask the next extension's authenticator.
 */
public final class AccountAuthMain implements ExtensionMain {

    private static final Logger log = LoggerFactory.getLogger(AccountAuthMain.class);
    /** How often the DB is probed while it is unreachable. */
    private static final long OUTAGE_PROBE_SECONDS = 2;

    private RenewablePool dataSource;
    private AuthenticationWorkers workers;
    private PasswordUpgrader upgrader;
    private ChangeFeed changeFeed;
    private ScheduledExecutorService upkeep;
    private ChangeApplier applier;
    private PrincipalLoader principalLoader;
    private ExtensionMetrics metrics;
    // what takes over a reloaded config.xml: each running part's swap of its settings
    private List<Consumer<AccountAuthConfig>> reloadableParts = List.of();

    @Override
    public void extensionStart(final ExtensionStartInput input, final ExtensionStartOutput output) {
        final Path home = input.getExtensionInformation().getExtensionHomeFolder().toPath();
        warnAboutAllowAll(home.getParent());
        final Path configFile = home.resolve(ConfigLoader.CONFIG_PATH);
        final AccountAuthConfig config;
        final ConfigLoader configLoader = new ConfigLoader(System::getenv);
        // the bytes the config is made of: a reload compares the file with these
        final ConfigFile configRead = ConfigFile.read(configFile);
        try {
            config = configLoader.load(configRead);
        } catch (final InvalidConfigException e) {
            e.problems().forEach(problem -> log.error("account-auth: {}: {}", configFile, problem));
            lock("invalid " + configFile + " (" + e.problems().size() + " problem" +
                    (e.problems().size() == 1 ? "" : "s") + ", each logged above)");
            return;
        } catch (final RuntimeException | LinkageError e) {
            // a bug in reading the file must not make HiveMQ disable the extension: that would fail open too
            log.error("account-auth: could not read {}: {}", configFile, e.toString());
            lock("could not read " + configFile + ": " + e.getClass().getSimpleName());
            return;
        }
        log.info("account-auth: using {}", config.database());
        try {
            start(config);
            watchConfig(config, configLoader, configRead);
        } catch (final RuntimeException | LinkageError e) {
            // the message may quote the JDBC URL (e.g. "driver does not accept jdbcUrl, ..."): never verbatim
            final String why = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage())
                    .replace(config.database().jdbcUrl(), LoggableJdbcUrl.of(config.database().jdbcUrl()));
            log.error("account-auth: could not start: {}", why);
            stopParts();
            lock("could not start: " + why);
        }
    }

    private void start(final AccountAuthConfig config) {
        AuditLog.useFormat(config.audit().jsonLines() ? AuditLog.Format.JSON : AuditLog.Format.TEXT);
        metrics = new ExtensionMetrics(Services.metricRegistry());
        dataSource = DataSourceFactory.create(config.database());
        final RenewablePool poolGauges = dataSource;
        metrics.gauge("pool.active", poolGauges::activeConnections);
        metrics.gauge("pool.idle", poolGauges::idleConnections);
        metrics.gauge("pool.waiting", poolGauges::waitingThreads);
        final DbHealth health = new DbHealth(config.database().outageGraceSeconds(), System::nanoTime);
        metrics.gauge("outage.active", () -> health.unreachable() ? 1 : 0);
        metrics.gauge("outage.seconds", health::outageSeconds);
        final AccountRepository repository = new AccountRepository(dataSource, config.queries(),
                config.database().queryTimeoutSeconds(), health, metrics);
        final PrincipalLoader loader = new PrincipalLoader(repository,
                new PermissionPlanner(config.permissions(), config.autoSubscribe()));
        final PasswordSettings passwords = config.passwords();
        final PasswordVerifier verifier = new PasswordVerifier(new HashSchemes(passwords.pepper()),
                passwords.limits(), passwords.kinds(), config.authentication().passwordCheckThreads(), metrics);
        final Rehashes rehashes = new Rehashes();
        final AccessCaches caches = new AccessCaches(config.cache(), changeHorizon(config));
        final ClientIdUses clientIdUses = new ClientIdUses();
        final CredentialChecker checker = new CredentialChecker(loader, repository, verifier, caches,
                config.clientIds(), health, clientIdUses, passwords.upgradeOnLogin(), metrics);
        workers = new AuthenticationWorkers(config.authentication(), metrics);
        final ConnectedClients clients = new ConnectedClients();
        final ConnectThrottle throttle = new ConnectThrottle(config.throttling());
        // the verifier first: it makes hashes and may fail, before anything else is swapped
        reloadableParts = List.of(
                next -> verifier.use(new HashSchemes(next.passwords().pepper()), next.passwords().limits(),
                        next.passwords().kinds()),
                next -> checker.useUpgradeOnLogin(next.passwords().upgradeOnLogin()),
                next -> checker.useClientIds(next.clientIds()),
                next -> caches.use(next.cache()),
                next -> throttle.use(next.throttling()),
                next -> AuditLog.useFormat(next.audit().jsonLines() ? AuditLog.Format.JSON : AuditLog.Format.TEXT));

        upgrader = new PasswordUpgrader(verifier, repository, rehashes);
        final AccountAuthenticator authenticator = new AccountAuthenticator(checker, throttle, workers, clients,
                Duration.ofMillis(config.authentication().timeoutMillis()), upgrader::submit, metrics,
                config.certificateLogins());
        // no authorizer: the authenticator gives each connection its permissions as default permissions, which
        // HiveMQ checks inline; an authorizer would cost a task hand-off for every PUBLISH of every client
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);

        final SessionSubscriptions subscriptions = new SessionSubscriptions(clients, new HiveMqSessionStore(),
                SessionSubscriptions.STORE_TIMEOUT_MILLIS);
        final PendingWills pendingWills = new PendingWills(rehashes);
        final ConnectedKinds kinds = new ConnectedKinds(metrics);
        Services.eventRegistry().setClientLifecycleEventListener(listenerInput -> kinds);
        Services.initializerRegistry().setClientInitializer(
                new SessionInitializer(clients, subscriptions, pendingWills, kinds));
        // a reload may tighten what CONNECT checks without the DB: connected clients are held to it at the resync
        final AccessRefresher refresher = new AccessRefresher(clients, loader, subscriptions, pendingWills,
                rehashes, (record, grant) -> checker.refusalOfConnected(record, grant.clientId(), grant.byPassword()));
        // the caches first, so that a refresh and every CONNECT after it read the DB afresh
        applier = changes -> {
            caches.invalidate(changes);
            refresher.refresh(changes);
        };
        principalLoader = loader;
        if (config.liveChanges().enabled()) {
            changeFeed = new ChangeFeed(repository, applier, config.liveChanges(), dataSource::renewIfStuck, metrics);
            changeFeed.start();
        }
        upkeep = Executors.newSingleThreadScheduledExecutor(task -> {
            final Thread thread = new Thread(task, "account-auth-upkeep");
            thread.setDaemon(true);
            return thread;
        });
        // first on the upkeep thread: the reconnect storm after a restart then finds its devices cached
        final long preload = config.cache().devicesToPreload();
        if (preload > 0) {
            upkeep.execute(new DevicePreload(repository::devicesToPreload, loader, caches, preload));
        }
        // an outage ends with the first statement that reaches the DB; without a CONNECT or feed poll, this one
        final RenewablePool pool = dataSource;
        upkeep.scheduleWithFixedDelay(() -> {
            if (health.unreachable() && pool.renewIfStuck()) {
                repository.reachable();
            }
        }, OUTAGE_PROBE_SECONDS, OUTAGE_PROBE_SECONDS, TimeUnit.SECONDS);
        if (config.clientIds().expires()) {
            final long interval = config.clientIds().lastUsedIntervalSeconds();
            upkeep.scheduleWithFixedDelay(new ClientIdUpkeep(repository, clientIdUses, clients, caches,
                    config.clientIds(), Services.clientService()::isClientConnected), interval, interval,
                    TimeUnit.SECONDS);
        }
        log.info("account-auth: started");
    }

    /**
     * Looks at config.xml every {@code <reload>/<interval-seconds>}; a reload counts everything as changed on the
     * feed's thread, or, with live changes off, on the upkeep thread (which then is the only one applying changes).
     */
    private void watchConfig(final AccountAuthConfig config, final ConfigLoader configLoader,
                             final ConfigFile configRead) {
        if (!config.reload().enabled()) {
            return;
        }
        final ChangeFeed feed = changeFeed;
        final ScheduledExecutorService thread = upkeep;
        final ConfigReloader.Resync resync = feed != null ? feed::requestResync : why -> resyncOn(thread, why);
        final ConfigWatcher watcher = new ConfigWatcher(configLoader, configRead, config,
                new ConfigReloader(principalLoader, reloadableParts, resync));
        final long interval = config.reload().intervalSeconds();
        upkeep.scheduleWithFixedDelay(watcher, interval, interval, TimeUnit.SECONDS);
    }

    private void resyncOn(final ScheduledExecutorService thread, final String why) {
        final ChangeApplier apply = applier;
        thread.execute(() -> {
            try {
                apply.apply(ChangeSet.everything());
                log.warn("account-auth: resync, every cached principal and connected client counts as changed: {}",
                        why);
            } catch (final AccountStoreUnavailableException | RuntimeException e) {
                log.warn("account-auth: resync failed, retrying in {} s: {}", OUTAGE_PROBE_SECONDS, e.getMessage());
                thread.schedule(() -> resyncOn(thread, why), OUTAGE_PROBE_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    /**
     * Longer than any load from the DB (a wait for a connection and a query) and any CONNECT (its timeout) can take:
     * how long a change must be remembered to catch what was read before it (see {@code ChangeClock}).
     */
    private static Duration changeHorizon(final AccountAuthConfig config) {
        final long millis = config.authentication().timeoutMillis() + config.database().connectionTimeoutMillis()
                + 1000L * config.database().queryTimeoutSeconds();
        return Duration.ofMillis(Math.max(30_000, 2 * millis));
    }

    /**
     * Fail closed wherever the extension is installed: not {@code preventExtensionStartup}, which would leave the
     * CONNECT to the next extension (on a stock HiveMQ CE, the allow-all one), but an authenticator that refuses all.
     */
    private static void lock(final String why) {
        log.error("account-auth: LOCKED: every CONNECT is refused with 0x88 Server unavailable until the broker " +
                "is restarted with a working extension; reason: {}", why);
        final LockedAuthenticator locked = new LockedAuthenticator(why);
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> locked);
    }

    private static void warnAboutAllowAll(final Path extensionsFolder) {
        for (final Path folder : AllowAllExtensionCheck.enabledIn(extensionsFolder)) {
            log.warn("account-auth: {} is installed and enabled: it admits every client to every topic wherever " +
                    "account-auth does not decide (e.g. if it is removed or disabled later); remove it " +
                    "(rm -rf {}) or put a DISABLED file in it", folder, folder);
        }
    }

    @Override
    public void extensionStop(final ExtensionStopInput input, final ExtensionStopOutput output) {
        stopParts();
        log.info("account-auth: stopped");
    }

    private void stopParts() {
        if (upkeep != null) {
            upkeep.shutdownNow();
            upkeep = null;
        }
        if (changeFeed != null) {
            changeFeed.close();
            changeFeed = null;
        }
        if (workers != null) {
            workers.close();
            workers = null;
        }
        if (upgrader != null) {
            upgrader.stop();
            upgrader = null;
        }
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
        JdbcDriverRelease.release();
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }
}
