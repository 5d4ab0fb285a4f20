package com.accountauth.extension;

import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.auth.AccountAuthenticator;
import com.accountauth.extension.auth.AuthenticationWorkers;
import com.accountauth.extension.auth.ConnectedClients;
import com.accountauth.extension.auth.CredentialChecker;
import com.accountauth.extension.auth.PrincipalLoader;
import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.ConfigLoader;
import com.accountauth.extension.config.InvalidConfigException;
import com.accountauth.extension.db.AccountRepository;
import com.accountauth.extension.db.DataSourceFactory;
import com.accountauth.extension.identity.PasswordVerifier;
import com.accountauth.extension.sync.AccessRefresher;
import com.accountauth.extension.sync.ChangeFeed;
import com.accountauth.extension.sync.PendingWills;
import com.accountauth.extension.sync.SessionInitializer;
import com.accountauth.extension.sync.SessionSubscriptions;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Wiring only: config, then pool, repository, loader and verifier, then the authenticator, then the
 * session initializer and the change feed.
 */
public final class AccountAuthMain implements ExtensionMain {

    private static final Logger log = LoggerFactory.getLogger(AccountAuthMain.class);

    private HikariDataSource dataSource;
    private AuthenticationWorkers workers;
    private ChangeFeed changeFeed;

    @Override
    public void extensionStart(final ExtensionStartInput input, final ExtensionStartOutput output) {
        final Path configFile = input.getExtensionInformation().getExtensionHomeFolder()
                .toPath().resolve(ConfigLoader.CONFIG_PATH);
        final AccountAuthConfig config;
        try {
            config = new ConfigLoader(System::getenv).load(configFile);
        } catch (final InvalidConfigException e) {
            e.problems().forEach(problem -> log.error("account-auth: {}: {}", configFile, problem));
            // without our authenticator the broker admits nobody: fail closed
            output.preventExtensionStartup("account-auth: invalid " + configFile + ": " + e.getMessage());
            return;
        }
        log.info("account-auth: using {}", config.database());

        dataSource = DataSourceFactory.create(config.database());
        final AccountRepository repository =
                new AccountRepository(dataSource, config.queries(), config.database().queryTimeoutSeconds());
        final PrincipalLoader loader = new PrincipalLoader(repository,
                new PermissionPlanner(config.permissions(), config.autoSubscribe()));
        final PasswordVerifier verifier = new PasswordVerifier(config.authentication().maxBcryptCost(),
                config.authentication().dummyBcryptCost());
        final AccessCaches caches = new AccessCaches(config.cache());
        final CredentialChecker checker =
                new CredentialChecker(loader, repository, verifier, caches, config.clientIds());
        workers = new AuthenticationWorkers(config.authentication());
        final ConnectedClients clients = new ConnectedClients();

        final AccountAuthenticator authenticator = new AccountAuthenticator(checker, workers, clients,
                Duration.ofMillis(config.authentication().timeoutMillis()));
        // no authorizer: the authenticator gives each connection its permissions as default permissions, which
        // HiveMQ checks inline; an authorizer would cost a task hand-off for every PUBLISH of every client
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);

        final SessionSubscriptions subscriptions = new SessionSubscriptions();
        final PendingWills pendingWills = new PendingWills();
        Services.initializerRegistry().setClientInitializer(
                new SessionInitializer(clients, subscriptions, pendingWills));
        if (config.liveChanges().enabled()) {
            final AccessRefresher refresher = new AccessRefresher(clients, loader, subscriptions, pendingWills);
            // the caches first, so that a refresh and every CONNECT after it read the DB afresh
            changeFeed = new ChangeFeed(repository, changes -> {
                caches.invalidate(changes);
                refresher.refresh(changes);
            }, config.liveChanges().pollIntervalMillis());
            changeFeed.start();
        }
        log.info("account-auth: started");
    }

    @Override
    public void extensionStop(final ExtensionStopInput input, final ExtensionStopOutput output) {
        if (changeFeed != null) {
            changeFeed.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        log.info("account-auth: stopped");
    }
}
