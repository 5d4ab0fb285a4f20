package com.accountauth.extension.auth;

import com.accountauth.extension.principal.PrincipalLoader;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.cache.ClientIdUses;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.AuthenticationSettings;
import com.accountauth.extension.config.CacheSettings;
import com.accountauth.extension.config.CertificateLoginSettings;
import com.accountauth.extension.config.ConfigLoader;
import com.accountauth.extension.config.ThrottleSettings;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.db.DbHealth;
import com.accountauth.extension.config.ClientIdSettings;
import com.accountauth.extension.identity.ClientIdPattern;
import com.accountauth.extension.password.CostLimits;
import com.accountauth.extension.password.HashSchemes;
import com.accountauth.extension.password.KindPolicy;
import com.accountauth.extension.password.PasswordFormat;
import com.accountauth.extension.password.PasswordUpgrade;
import com.accountauth.extension.password.PasswordVerifier;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.testsupport.HashVectors;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.TestPasswords;
import com.accountauth.extension.identity.CertificateField;
import com.accountauth.extension.identity.ListenerLogin;
import com.accountauth.extension.identity.LoginMode;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.codahale.metrics.MetricRegistry;
import com.accountauth.extension.testsupport.TestPki;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.throttle.ConnectThrottle;
import com.accountauth.extension.util.AuditLog;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authenticator's decision table, and the orders in which a live change can meet a CONNECT in flight. The DB and
 * the broker's input and output are fakes; the caches, bcrypt, the planner and the workers are the real ones, and
 * the shipped config.xml gives the topic templates. A live change is applied as the change feed applies it: caches
 * first, then a snapshot of the connected clients it touches (what the refresher would update).
 */
class AccountAuthenticatorTest {

    static final String PASSWORD = "right-pass";
    static final String HASH = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
    static final String CAMERA_EVENTS = "/orbweb/ipcam/+/CAMUID1/#";
    static final String CAMERA_COMMANDS = "/orbweb/ipcam/command/CAMUID1/#";

    static AccountAuthConfig config;
    static final TestPki PKI = TestPki.create("authenticator-test CA");
    static final CertificateLoginSettings CERTIFICATE_LISTENERS = new CertificateLoginSettings(Map.of(
            "devices", new ListenerLogin(LoginMode.CERTIFICATE, CertificateField.SUBJECT_CN),
            "devices-pw", new ListenerLogin(LoginMode.CERTIFICATE_AND_PASSWORD, CertificateField.SUBJECT_CN)));

    FakeAccountStore store;
    AccessCaches caches;
    ConnectedClients clients;
    AuthenticationWorkers workers;
    AccountAuthenticator authenticator;
    CredentialChecker checker;
    PasswordVerifier verifier;
    final List<PasswordUpgrade> upgrades = new CopyOnWriteArrayList<>();

    static final long GRACE_SECONDS = 60;
    AtomicLong nanos;
    DbHealth health;
    ClientIdUses uses;
    PrincipalLoader loader;
    MetricRegistry registry;

    @BeforeAll
    static void loadConfig() throws Exception {
        FakeConnect.installBuilders();
        config = new ConfigLoader(name -> name.contains("URL") ? "jdbc:mysql://127.0.0.1:3306/accounts" : "test")
                .load(Path.of("conf/config.xml"));
    }

    @BeforeEach
    void start() {
        store = new FakeAccountStore();
        store.account(1, "alice@example.com", HASH, "user", true);
        store.account(2, "bob@example.com", HASH, "user", false);
        store.account(3, "odd@example.com", HASH, "admin", true);
        store.account(4, "service@example.com", HASH, "service", true);
        store.device(10, "00:1B:FE:0D:44:21", "CAMUID1", HASH, true);
        store.device(11, "00:1B:FE:0D:44:22", "CAMUID2", HashVectors.first("mosquitto_passwd-sha512-pbkdf2").hash(),
                true);
        store.device(12, "00:1B:FE:0D:44:23", "CAMUID3", HashVectors.first("hmac-fast-hmac-sha256").hash(), true);
        store.account(5, "fast@example.com", HashVectors.first("hmac-fast-hmac-sha256").hash(), "user", true);
        store.device(13, "00:1B:FE:0D:44:24", "CAMUID4", HASH, false);
        store.pair(1, 10, "owner");
        loader = new PrincipalLoader(store,
                new PermissionPlanner(config.permissions(), config.autoSubscribe()));
        caches = new AccessCaches(new CacheSettings(1000, 3600, 30, 1000, 1000), Duration.ofSeconds(30));
        nanos = new AtomicLong();
        health = new DbHealth(GRACE_SECONDS, nanos::get);
        uses = new ClientIdUses();
        // upgrade on login is on: rows at the target (bcrypt cost 4, as HASH) are never upgraded
        registry = new MetricRegistry();
        final ExtensionMetrics metrics = new ExtensionMetrics(registry);
        verifier = TestPasswords.verifier();
        checker = new CredentialChecker(loader, store, verifier, caches,
                config.clientIds(), health, uses, true, metrics);
        workers = new AuthenticationWorkers(new AuthenticationSettings(5000, 2, 2, 100, 14, 4), metrics);
        clients = new ConnectedClients();
        authenticator = new AccountAuthenticator(checker, new ConnectThrottle(ThrottleSettings.defaults()), workers,
                clients, Duration.ofSeconds(5), upgrades::add, metrics,
                CERTIFICATE_LISTENERS);
    }

    @AfterEach
    void stop() {
        workers.close();
    }

    private FakeConnect connect(final String clientId, final String username, final String password) {
        final FakeConnect connect = new FakeConnect(clientId, username, password);
        authenticator.onConnect(connect.input(), connect.output());
        return connect;
    }

    private FakeConnect.Answer answer(final String clientId, final String username, final String password)
            throws Exception {
        return connect(clientId, username, password).awaitAnswer();
    }

    /** A CONNECT on {@code listener} (over TLS) with a client certificate of that subject (null: none). */
    private FakeConnect connectWithCertificate(final String listener, final String subject, final String clientId,
                                               final String username, final String password) {
        final FakeConnect connect = new FakeConnect(clientId, username, password)
                .on(listener, true, subject == null ? null : PKI.client(subject).certificate());
        authenticator.onConnect(connect.input(), connect.output());
        return connect;
    }

    private FakeConnect.Answer answerWithCertificate(final String listener, final String subject,
                                                     final String username, final String password) throws Exception {
        return connectWithCertificate(listener, subject, "c-" + System.nanoTime(), username, password)
                .awaitAnswer();
    }

    /** As the change feed applies a change: the caches first, then the connected clients it touches. */
    private Map<Principal, List<ConnectedClients.Grant>> liveChange(final ChangeSet changes) {
        caches.invalidate(changes);
        return clients.affectedBy(changes);
    }

    private static ChangeSet accountChanged(final long id) {
        return new ChangeSet(Set.of("account:" + id), Set.of(), false, false);
    }

    private static FakeConnect.Answer refusedWith(final ConnackReasonCode code) {
        return new FakeConnect.Answer(false, code);
    }

    private long count(final String name) {
        return registry.counter(ExtensionMetrics.PREFIX + name).getCount();
    }

    @Test
    void outcomesAndCacheLookupsAreCounted() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        // a reconnect: every fact from the caches, decided on the calling thread
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        answer("c1", "alice@example.com", "wrong-pass");
        answer("c2", "nobody@example.com", PASSWORD);
        answer("c3", "bob@example.com", PASSWORD);

        assertEquals(2, count("connect.allowed"));
        assertEquals(2, count("connect.refused.bad-credentials"));
        assertEquals(1, count("connect.refused.not-authorized"));
        assertEquals(0, count("connect.refused.unavailable"));
        // alice twice, alice once more (wrong password), bob once; the unknown one is a miss every time
        assertEquals(2, count("cache.principals.hits"));
        assertEquals(3, count("cache.principals.misses"));
        // alice's password checked once, then known; the wrong one and bob's checked
        assertEquals(1, count("cache.credentials.hits"));
        assertEquals(3, count("cache.credentials.misses"));
        assertEquals(1, count("cache.plans.hits"));
        assertEquals(1, count("cache.plans.misses"));
        // four CONNECTs went to a worker, each through the queue
        assertEquals(4, registry.timer(ExtensionMetrics.PREFIX + "connect.queue.wait").getCount());
    }

    @Test
    void unknownUsernameIsBadCredentials() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answer("c1", "nobody@example.com", PASSWORD));
    }

    @Test
    void wrongPasswordIsBadCredentials() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answer("c1", "alice@example.com", "wrong-pass"));
    }

    @Test
    void malformedUsernameIsBadCredentialsWithoutAskingTheDb() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD), answer("c1", "not a login#", PASSWORD));
        assertEquals(0, store.reads.get());
    }

    @Test
    void missingPasswordIsBadCredentials() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answer("c1", "alice@example.com", null));
    }

    @Test
    void disabledAccountWithTheRightPasswordIsNotAuthorized() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), answer("c1", "bob@example.com", PASSWORD));
    }

    @Test
    void accountWithAnUnknownRoleIsNotAuthorized() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), answer("c1", "odd@example.com", PASSWORD));
    }

    @Test
    void clientIdOfAnotherPrincipalIsNotValid() throws Exception {
        store.clientIds.put("camera-1", "device:10");
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                answer("camera-1", "alice@example.com", PASSWORD));
        assertTrue(clients.affectedBy(accountChanged(1)).isEmpty(), "a refused CONNECT registers no grant");
    }

    @Test
    void unavailableDbIsServerUnavailableAndNotRemembered() throws Exception {
        store.down = true;
        assertEquals(refusedWith(ConnackReasonCode.SERVER_UNAVAILABLE), answer("c1", "alice@example.com", PASSWORD));
        store.down = false;
        assertTrue(answer("c1", "alice@example.com", PASSWORD).granted());
    }

    @Test
    void grantedUserGetsItsPairedDevicesTopicsAsDefaultPermissions() throws Exception {
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        assertTrue(connect.awaitAnswer().granted());
        // a filter that another one covers is left out: .../# also matches its parent
        assertEquals(List.of(CAMERA_EVENTS, CAMERA_COMMANDS), connect.allowedFilters());
        assertEquals(1, clients.affectedBy(accountChanged(1)).size(), "the grant is where live changes find it");
    }

    @Test
    void grantedDeviceGetsOnlyItsOwnTopics() throws Exception {
        final FakeConnect connect = connect("camera-1", "00-1b-fe-0d-44-21", PASSWORD);
        assertTrue(connect.awaitAnswer().granted());
        assertEquals(List.of(CAMERA_EVENTS), connect.allowedFilters());
    }

    @Test
    void aReconnectWhoseFactsAreCachedIsDecidedWithoutAWorker() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        final int reads = store.reads.get();
        final FakeConnect again = connect("alice-phone", "alice@example.com", PASSWORD);
        assertTrue(again.answer.isDone(), "decided on the calling thread");
        assertTrue(again.awaitAnswer().granted());
        assertFalse(again.wentAsync);
        assertEquals(reads, store.reads.get());
    }

    @Test
    void aWrongPasswordAfterASuccessIsStillChecked() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        final FakeConnect wrong = connect("alice-phone", "alice@example.com", "wrong-pass");
        assertTrue(wrong.wentAsync, "a wrong password costs a bcrypt check on a worker");
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD), wrong.awaitAnswer());
    }

    @Test
    void aGrantRegisteredBeforeAChangeIsFoundByTheRefresher() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        store.unpair(1, 10);
        assertEquals(1, liveChange(accountChanged(1)).size());
    }

    @Test
    void anAccountDisabledWhileItsRowIsLoadingIsRefused() throws Exception {
        final FakeAccountStore.Hold hold = store.hold("account");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        hold.awaitReached(); // the CONNECT has read alice as enabled
        store.account(1, "alice@example.com", HASH, "user", false);
        assertTrue(liveChange(accountChanged(1)).isEmpty(), "the refresher cannot see a CONNECT still loading");
        hold.release();
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), connect.awaitAnswer());
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), answer("alice-tab", "alice@example.com", PASSWORD),
                "the row from before the change must not stay cached");
    }

    @Test
    void anAccountDisabledAfterItsRowWasReadButBeforeItsGrantIsRegisteredIsRefused() throws Exception {
        final FakeAccountStore.Hold hold = store.hold("bind");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        hold.awaitReached(); // row read and password checked; the client id's owner and the plan are to come
        store.account(1, "alice@example.com", HASH, "user", false);
        assertTrue(liveChange(accountChanged(1)).isEmpty());
        hold.release();
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), connect.awaitAnswer());
        assertTrue(clients.affectedBy(accountChanged(1)).isEmpty(), "no grant may be left behind");
    }

    @Test
    void aPairingRemovedWhileThePlanLoadsIsNotGranted() throws Exception {
        final FakeAccountStore.Hold hold = store.hold("pairings");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        hold.awaitReached(); // the pairings were read with the camera still paired
        store.unpair(1, 10);
        assertTrue(liveChange(accountChanged(1)).isEmpty());
        hold.release();
        assertTrue(connect.awaitAnswer().granted());
        assertEquals(List.of(), connect.allowedFilters());
    }

    @Test
    void aDeviceDisabledWhileItsUsersPlanLoadsIsNotGranted() throws Exception {
        final FakeAccountStore.Hold hold = store.hold("pairings");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        hold.awaitReached();
        store.device(10, "00:1B:FE:0D:44:21", "CAMUID1", HASH, false);
        // the feed's invalidation waits for the plan load it may have to drop, so it runs beside the test
        final long before = caches.now();
        final Thread feed = new Thread(() -> liveChange(new ChangeSet(Set.of("device:10"), Set.of(10L), true, false)));
        feed.start();
        while (caches.now() == before) {
            Thread.onSpinWait(); // until the change is numbered
        }
        hold.release();
        feed.join(10_000);
        assertTrue(connect.awaitAnswer().granted());
        assertEquals(List.of(), connect.allowedFilters());
    }

    @Test
    void aResyncWhileACONNECTIsInFlightIsNotMissed() throws Exception {
        final FakeAccountStore.Hold hold = store.hold("account");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        hold.awaitReached();
        store.account(1, "alice@example.com", HASH, "user", false);
        liveChange(ChangeSet.everything());
        hold.release();
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), connect.awaitAnswer());
    }

    @Test
    void aConnectThatPlannedWithTheOldTemplatesWhileConfigXmlWasReloadedGetsTheNewOnes() throws Exception {
        final String shipped = Files.readString(Path.of("conf/config.xml"));
        // users may watch only the event topics of their devices, no longer any '+'
        final int from = shipped.indexOf("<paired-device>");
        final int to = shipped.indexOf("</paired-device>");
        assertTrue(from > 0 && to > from && shipped.substring(from, to).contains("/+/"));
        final Path edited = Files.createTempFile("config", ".xml");
        Files.writeString(edited, shipped.substring(0, from) + shipped.substring(from, to).replace("/+/", "/event/") +
                shipped.substring(to));
        final AccountAuthConfig reloaded = new ConfigLoader(name -> name.contains("URL") ?
                "jdbc:mysql://127.0.0.1:3306/accounts" : "test").load(edited);
        Files.delete(edited);

        final FakeAccountStore.Hold hold = store.hold("pairings");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        hold.awaitReached(); // planning with the templates of before
        // as ConfigReloader and the feed's resync do it: the swap, then everything counts as changed
        loader.usePlanner(new PermissionPlanner(reloaded.permissions(), reloaded.autoSubscribe()));
        final long before = caches.now();
        final Thread feed = new Thread(() -> liveChange(ChangeSet.everything()));
        feed.start();
        while (caches.now() == before) {
            Thread.onSpinWait();
        }
        hold.release();
        feed.join(10_000);
        assertTrue(connect.awaitAnswer().granted());
        // the plan read with the old templates ('/+/') was found stale and made again with the new ones
        assertEquals(Set.of("/orbweb/ipcam/event/CAMUID1/#", CAMERA_COMMANDS), Set.copyOf(connect.allowedFilters()));
    }

    @Test
    void aPrincipalThatKeepsChangingWhileItLoadsIsUnavailableNotGrantedStale() throws Exception {
        FakeAccountStore.Hold hold = store.hold("account");
        final FakeConnect connect = connect("alice-phone", "alice@example.com", PASSWORD);
        // every read of alice's row is overtaken by another change of it
        for (int i = 0; i < 20 && !connect.answer.isDone(); i++) {
            if (!hold.reached.await(2, TimeUnit.SECONDS)) {
                break;
            }
            final FakeAccountStore.Hold next = store.hold("account");
            liveChange(accountChanged(1));
            hold.release();
            hold = next;
        }
        hold.release();
        assertEquals(refusedWith(ConnackReasonCode.SERVER_UNAVAILABLE), connect.awaitAnswer());
    }

    @Test
    void anAddressThatKeepsGuessingIsThrottledWithoutAWorkerButACachedReconnectStillGetsIn() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        for (int i = 0; i < ThrottleSettings.DEFAULT_ADDRESS_FAILURE_BURST; i++) {
            assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                    answer("guess-" + i, "guess" + i + "@example.com", "guess"));
        }
        final FakeConnect throttled = connect("guess-x", "guessx@example.com", "guess");
        assertFalse(throttled.wentAsync, "a throttled attempt costs no worker and no bcrypt");
        assertEquals(refusedWith(ConnackReasonCode.CONNECTION_RATE_EXCEEDED), throttled.awaitAnswer());
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted(),
                "a reconnect decided from the cache costs nothing and is never throttled");
    }

    @Test
    void aUserPresentingADevicesMacOrUidIsRefusedEvenBeforeTheDeviceBoundIt() throws Exception {
        for (final String squatted : List.of("00:1B:FE:0D:44:21", "00-1b-fe-0d-44-21", "CAMUID1")) {
            assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                    answer(squatted, "alice@example.com", PASSWORD), squatted);
            assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                    answer(squatted, "service@example.com", PASSWORD), squatted);
            assertFalse(store.clientIds.containsKey(squatted), "a reserved id is never bound to a squatter");
        }
    }

    @Test
    void aDeviceOnTheFastSchemeLogsIn() throws Exception {
        assertTrue(answer("camera-3", "00:1B:FE:0D:44:23", HashVectors.first("hmac-fast-hmac-sha256").password())
                .granted());
        assertEquals(List.of(), upgrades, "a fast hash is no weaker than bcrypt for a device: its own choice");
    }

    @Test
    void aUserRowOnTheFastSchemeIsRefusedEvenWithTheRightPassword() throws Exception {
        try (LogCapture log = new LogCapture()) {
            assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD), answer("c1", "fast@example.com",
                    HashVectors.first("hmac-fast-hmac-sha256").password()));
            assertTrue(log.contains("which a user may not use"), String.join("\n", log.lines()));
        }
    }

    @Test
    void anotherDevicePresentingADevicesMacIsRefused() throws Exception {
        store.device(11, "00:1B:FE:0D:44:22", "CAMUID2", HASH, true);
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                answer("00:1B:FE:0D:44:21", "00:1B:FE:0D:44:22", PASSWORD));
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                answer("CAMUID1", "00:1B:FE:0D:44:22", PASSWORD));
    }

    @Test
    void aDeviceConnectsWithItsOwnMacOrUidThoughASquatterBoundItFirst() throws Exception {
        // bound before reservation existed (or by hand): the device is never locked out of its own ids
        store.clientIds.put("00:1B:FE:0D:44:21", "account:1");
        store.clientIds.put("001bfe0d4421", "account:1");
        store.clientIds.put("CAMUID1", "account:1");
        for (final String own : List.of("00:1B:FE:0D:44:21", "00-1b-fe-0d-44-21", "CAMUID1")) {
            assertTrue(answer(own, "00:1B:FE:0D:44:21", PASSWORD).granted(), own);
        }
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                answer("CAMUID1", "alice@example.com", PASSWORD), "the squatter's old binding counts for nothing");
    }

    @Test
    void aDevicesOwnIdIsNotMarkedUsedButABoundOneIs() throws Exception {
        assertTrue(answer("00:1B:FE:0D:44:21", "00:1B:FE:0D:44:21", PASSWORD).granted());
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        assertEquals(Set.of("alice-phone"), uses.drain());
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted(), "a reconnect from the cache");
        assertEquals(Set.of("alice-phone"), uses.drain(), "reconnects from the cache count as uses too");
    }

    @Test
    void aClientIdLongerThanTheColumnIsNotValidWithoutAskingTheDb() throws Exception {
        final String longest = "x".repeat(config.clientIds().maxLength());
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                answer(longest + "x", "alice@example.com", PASSWORD));
        assertEquals(0, store.reads.get());
        assertTrue(answer(longest, "alice@example.com", PASSWORD).granted(), "the longest allowed id");
    }

    @Test
    void aCachedReconnectIsAdmittedWithinTheOutageGraceAndRefusedPastIt() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        store.down = true;
        health.unreachable("test");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(GRACE_SECONDS));
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted(), "at the end of the grace");
        nanos.addAndGet(1);
        assertEquals(refusedWith(ConnackReasonCode.SERVER_UNAVAILABLE),
                answer("alice-phone", "alice@example.com", PASSWORD));
        store.down = false;
        health.reached();
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted(), "once the DB answers again");
    }

    @Test
    void aWeakHashIsUpgradedOnceAfterTheGrantAndNeverOnAFailedCheck() throws Exception {
        final String password = HashVectors.first("mosquitto_passwd-sha512-pbkdf2").password();
        final String old = store.devices.get(11L).passwordHash().orElseThrow();
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answer("camera-2", "00:1B:FE:0D:44:22", password + "x"));
        assertEquals(List.of(), upgrades, "a failed check upgrades nothing");
        assertTrue(answer("camera-2", "00:1B:FE:0D:44:22", password).granted());
        assertEquals(1, upgrades.size());
        assertEquals(new Principal(Principal.Kind.DEVICE, 11, "00:1B:FE:0D:44:22"), upgrades.get(0).principal());
        assertEquals(old, upgrades.get(0).oldHash());
        assertEquals(password, upgrades.get(0).password());
        assertTrue(answer("camera-2", "00:1B:FE:0D:44:22", password).granted());
        assertEquals(1, upgrades.size(), "a reconnect decided from the cache checks no hash, so upgrades nothing");
    }

    @Test
    void everyConnectDecisionLeavesOneAuditLineWithoutThePassword() throws Exception {
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            // each line awaited before the next CONNECT: a grant's line is written just after its answer, on the
            // worker, and could otherwise come after the next refusal's
            assertEquals(new FakeConnect.Answer(true, ConnackReasonCode.SUCCESS),
                    answer("phone-1", "alice@example.com", PASSWORD));
            audit.awaitLines(1, 5_000);
            assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                    answer("phone-2", "alice@example.com", "wrong-pass"));
            audit.awaitLines(2, 5_000);
            assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), answer("tab-1", "bob@example.com", PASSWORD));
            audit.awaitLines(3, 5_000);
            assertEquals(List.of(
                    "INFO CONNECT allowed client='phone-1' principal=user 'alice@example.com' (id 1) " +
                            "source=127.0.0.1 listener=<none> method=password publish-permissions=1 " +
                            "subscribe-permissions=1",
                    "INFO CONNECT refused client='phone-2' source=127.0.0.1 listener=<none> method=password " +
                            "code=BAD_USER_NAME_OR_PASSWORD why=user 'alice@example.com' (id 1): wrong password",
                    "INFO CONNECT refused client='tab-1' source=127.0.0.1 listener=<none> method=password " +
                            "code=NOT_AUTHORIZED why=user 'bob@example.com' (id 2) is disabled"), audit.lines());
            assertTrue(audit.lines().stream().noneMatch(line -> line.contains(PASSWORD) || line.contains("wrong-pass")
                    || line.contains(HASH)));
        }
    }

    @Test
    void aCertificateListenerLogsInTheDeviceItsCertificateNamesWithoutUsernameOrPassword() throws Exception {
        final FakeConnect connect = connectWithCertificate("devices", "CN=00-1b-fe-0d-44-21", "cam-1", null, null);
        assertEquals(new FakeConnect.Answer(true, ConnackReasonCode.SUCCESS), connect.awaitAnswer());
        assertEquals(List.of(CAMERA_EVENTS), connect.allowedFilters());
    }

    @Test
    void aCertificateListenerTakesTheSameDevicesUsernameAndNoOther() throws Exception {
        assertTrue(answerWithCertificate("devices", "CN=00:1B:FE:0D:44:21", "00-1b-fe-0d-44-21", null).granted());
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices", "CN=00:1B:FE:0D:44:21", "00:1B:FE:0D:44:22", PASSWORD));
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices", "CN=00:1B:FE:0D:44:21", "alice@example.com", PASSWORD));
    }

    @Test
    void inCertificateModeAPasswordIsNotChecked() throws Exception {
        // the certificate is the proof; a password sent out of habit neither helps nor hurts
        assertTrue(answerWithCertificate("devices", "CN=00:1B:FE:0D:44:21", null, "wrong-pass").granted());
    }

    @Test
    void noCertificateOnACertificateListenerIsNotAuthorizedAtOnce() throws Exception {
        final FakeConnect connect = connectWithCertificate("devices", null, "cam-1", "00:1B:FE:0D:44:21", PASSWORD);
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED), connect.awaitAnswer());
        assertFalse(connect.wentAsync, "no worker is needed to see that there is no certificate");
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED),
                answerWithCertificate("devices-pw", null, "00:1B:FE:0D:44:21", PASSWORD));
    }

    @Test
    void aCertificateNamingAUserNeverLogsInEvenWithTheUsersPassword() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices", "CN=alice@example.com", null, null));
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices-pw", "CN=alice@example.com", "alice@example.com", PASSWORD));
    }

    @Test
    void anUnknownDevicesCertificateIsBadCredentialsAndADisabledOnesNotAuthorized() throws Exception {
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices", "CN=00:1B:FE:0D:44:99", null, null));
        assertEquals(refusedWith(ConnackReasonCode.NOT_AUTHORIZED),
                answerWithCertificate("devices", "CN=00:1B:FE:0D:44:24", null, null));
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices-pw", "CN=00:1B:FE:0D:44:99", null, PASSWORD));
    }

    @Test
    void certificateAndPasswordNeedsBothForTheSameDevice() throws Exception {
        assertTrue(answerWithCertificate("devices-pw", "CN=00:1B:FE:0D:44:21", null, PASSWORD).granted());
        assertTrue(answerWithCertificate("devices-pw", "CN=00:1B:FE:0D:44:21", "00:1b:fe:0d:44:21", PASSWORD)
                .granted());
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices-pw", "CN=00:1B:FE:0D:44:21", null, "wrong-pass"));
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices-pw", "CN=00:1B:FE:0D:44:21", null, null));
        // device 22's own password with device 21's certificate
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("devices-pw", "CN=00:1B:FE:0D:44:21", "00:1B:FE:0D:44:22", PASSWORD));
    }

    @Test
    void aPasswordListenerIgnoresACertificate() throws Exception {
        assertTrue(answerWithCertificate("mqtt-tls", "CN=00:1B:FE:0D:44:21", "alice@example.com", PASSWORD)
                .granted());
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answerWithCertificate("mqtt-tls", "CN=00:1B:FE:0D:44:21", null, null));
    }

    @Test
    void aCertificateReconnectWhoseFactsAreCachedIsDecidedWithoutAWorker() throws Exception {
        assertTrue(connectWithCertificate("devices", "CN=00:1B:FE:0D:44:21", "cam-1", null, null).awaitAnswer()
                .granted());
        final FakeConnect again = connectWithCertificate("devices", "CN=00:1B:FE:0D:44:21", "cam-1", null, null);
        assertTrue(again.awaitAnswer().granted());
        assertFalse(again.wentAsync);
    }

    @Test
    void certificateLoginsAreAuditedWithTheirMethod() throws Exception {
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER_NAME)) {
            assertTrue(connectWithCertificate("devices", "CN=00:1B:FE:0D:44:21", "cam-1", null, null).awaitAnswer()
                    .granted());
            connectWithCertificate("devices-pw", "CN=alice@example.com", "cam-2", null, PASSWORD).awaitAnswer();
            // the grant's line is written on the worker just after its answer, the refusal's on this thread: the
            // two may come in either order, and the grant's after the refusal's answer
            audit.awaitLines(2, 5_000);
            assertEquals(Set.of(
                    "INFO CONNECT allowed client='cam-1' principal=device '00:1B:FE:0D:44:21' (id 10) " +
                            "source=127.0.0.1 listener='devices' method=certificate publish-permissions=1 " +
                            "subscribe-permissions=1",
                    "INFO CONNECT refused client='cam-2' source=127.0.0.1 listener='devices-pw' " +
                            "method=certificate-and-password code=BAD_USER_NAME_OR_PASSWORD why=its client " +
                            "certificate (subject 'CN=alice@example.com') names no device: its subject-cn " +
                            "'alice@example.com' is not a device's MAC"), Set.copyOf(audit.lines()));
            assertEquals(2, audit.lines().size(), audit.lines().toString());
        }
    }

    private ClientIdSettings withPatterns(final String device, final String account) {
        return new ClientIdSettings(true, true, config.clientIds().maxLength(),
                config.clientIds().expireUnusedAfterSeconds(), config.clientIds().lastUsedIntervalSeconds(),
                Optional.ofNullable(device).map(t -> ClientIdPattern.parse(t, ClientIdPattern.DEVICE_PLACEHOLDERS)
                        .pattern()),
                Optional.ofNullable(account).map(t -> ClientIdPattern.parse(t, ClientIdPattern.ACCOUNT_PLACEHOLDERS)
                        .pattern()));
    }

    private PrincipalRecord record(final String login) throws Exception {
        return loader.find(com.accountauth.extension.identity.UsernameParser.parse(login).orElseThrow(), "x")
                .orElseThrow().record();
    }

    @Test
    void aClientIdPatternTightenedByAReloadRefusesTheNextConnectEvenACachedReconnect() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        checker.useClientIds(withPatterns(null, "app-${{id}}-.*"));
        final FakeConnect again = connect("alice-phone", "alice@example.com", PASSWORD);
        assertTrue(again.answer.isDone(), "still decided from the caches, with the new pattern");
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID), again.awaitAnswer());
        assertTrue(answer("app-1-tablet", "alice@example.com", PASSWORD).granted());
        // what the refresher asks of the connected client at the resync
        final PrincipalRecord alice = record("alice@example.com");
        assertTrue(checker.refusalOfConnected(alice, "alice-phone", true).orElseThrow().contains("does not match"));
        assertEquals(Optional.empty(), checker.refusalOfConnected(alice, "app-1-tablet", true));
        // loosened again: the old id gets in
        checker.useClientIds(config.clientIds());
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        assertEquals(Optional.empty(), checker.refusalOfConnected(alice, "alice-phone", true));
    }

    @Test
    void aShorterMaxLengthReachesConnectedClientsToo() throws Exception {
        assertTrue(answer("alice-phone-0123456789", "alice@example.com", PASSWORD).granted());
        checker.useClientIds(new ClientIdSettings(true, true, 12, config.clientIds().expireUnusedAfterSeconds(),
                config.clientIds().lastUsedIntervalSeconds(), Optional.empty(), Optional.empty()));
        assertEquals(refusedWith(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
                answer("alice-phone-0123456789", "alice@example.com", PASSWORD));
        assertTrue(checker.refusalOfConnected(record("alice@example.com"), "alice-phone-0123456789", true)
                .orElseThrow().contains("over <client-ids><max-length> 12"));
    }

    @Test
    void aFormatAReloadNoLongerAllowsRefusesTheNextConnectThoughItsPasswordWasRememberedAndIsFoundOnConnected()
            throws Exception {
        final String fastPassword = HashVectors.first("hmac-fast-hmac-sha256").password();
        assertTrue(answer("camera-3", "00:1B:FE:0D:44:23", fastPassword).granted());
        assertTrue(connect("camera-3", "00:1B:FE:0D:44:23", fastPassword).answer.isDone(), "remembered");
        final Map<Principal.Kind, KindPolicy> kinds = TestPasswords.defaultPolicies();
        kinds.put(Principal.Kind.DEVICE, new KindPolicy(Set.of(PasswordFormat.BCRYPT),
                kinds.get(Principal.Kind.DEVICE).target()));
        verifier.use(new HashSchemes(Optional.of(TestPasswords.VECTOR_PEPPER)), TestPasswords.LIMITS, kinds);
        final FakeConnect again = connect("camera-3", "00:1B:FE:0D:44:23", fastPassword);
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD), again.awaitAnswer());
        assertTrue(again.wentAsync, "judged again on a worker, not from the remembered match");
        final PrincipalRecord camera = record("00:1B:FE:0D:44:23");
        assertTrue(checker.refusalOfConnected(camera, "camera-3", true).orElseThrow().contains("may not use"));
        // a client in by its certificate alone never used the password
        assertEquals(Optional.empty(), checker.refusalOfConnected(camera, "camera-3", false));
        // bcrypt rows are untouched
        assertTrue(answer("camera-1", "00:1B:FE:0D:44:21", PASSWORD).granted());
    }

    @Test
    void aLowerBcryptBoundFromAReloadRefusesRowsAboveIt() throws Exception {
        assertTrue(answer("alice-phone", "alice@example.com", PASSWORD).granted());
        verifier.use(new HashSchemes(Optional.of(TestPasswords.VECTOR_PEPPER)), new CostLimits(3,
                TestPasswords.LIMITS.maxPbkdf2Iterations(), TestPasswords.LIMITS.maxArgon2MemoryKib(),
                TestPasswords.LIMITS.maxArgon2Iterations(), TestPasswords.LIMITS.maxArgon2Parallelism()),
                TestPasswords.defaultPolicies());
        assertEquals(refusedWith(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD),
                answer("alice-phone", "alice@example.com", PASSWORD));
        assertTrue(checker.refusalOfConnected(record("alice@example.com"), "alice-phone", true).isPresent());
    }
}
