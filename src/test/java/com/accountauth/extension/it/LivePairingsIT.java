package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue: DB changes reach connected clients within seconds, subscriptions live on the server, client ids belong to
 * their principal. Real broker (built ZIP), real MariaDB with the shipped schema and triggers, real clients. Each
 * test makes its own accounts and devices, so the tests do not depend on each other.
 */
class LivePairingsIT {

    /** The bound for a change to take effect; the shipped poll interval is 2 s. */
    static final long BOUND_MILLIS = 5_000;
    static final String PASSWORD = "live-pass-1";
    static final AtomicInteger IDS = new AtomicInteger(100);

    static BrokerWithDatabase env;
    static MariaDbServer db;
    static EmbeddedBroker broker;
    static String passwordHash;

    @BeforeAll
    static void start() {
        passwordHash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        env = BrokerWithDatabase.start(server -> { }, config -> config);
        db = env.db();
        broker = env.broker();
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    /** A device row; returns {id, mac, uid}. */
    static Device device() {
        final int id = IDS.incrementAndGet();
        final String mac = String.format("02:00:00:00:%02X:%02X", id / 256, id % 256);
        final String uid = "LIVEUID" + id;
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?,?)",
                id, mac, uid, "orbweb", "ipcam", passwordHash);
        return new Device(id, mac, uid);
    }

    static Account user() {
        final int id = IDS.incrementAndGet();
        final String email = "user" + id + "@live.example";
        db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?,?,?,'user')", id, email,
                passwordHash);
        return new Account(id, email);
    }

    static void pair(final Account account, final Device device, final String role) {
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,?)", account.id, device.id, role);
    }

    static void unpair(final Account account, final Device device) {
        db.execute("DELETE FROM pairings WHERE account_id = ? AND device_id = ?", account.id, device.id);
    }

    record Device(int id, String mac, String uid) {
        String events() {
            return "/orbweb/ipcam/motiondetector/" + uid;
        }

        String command() {
            return "/orbweb/ipcam/command/" + uid;
        }
    }

    record Account(int id, String email) {
    }

    /** An MQTT 5 client with a persistent session that records how it was disconnected. */
    static final class Session {
        final Mqtt5BlockingClient client;
        final CompletableFuture<Throwable> disconnected = new CompletableFuture<>();

        Session(final String clientId) {
            client = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                    .serverPort(broker.port())
                    .addDisconnectedListener(context -> disconnected.complete(context.getCause()))
                    .buildBlocking();
        }

        Mqtt5ConnAckReasonCode connect(final String username) {
            try {
                return client.connectWith().cleanStart(false).sessionExpiryInterval(3600).simpleAuth()
                        .username(username).password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                        .send().getReasonCode();
            } catch (final Mqtt5ConnAckException e) {
                return e.getMqttMessage().getReasonCode();
            }
        }

        void close() {
            try {
                client.disconnect();
            } catch (final MqttClientStateException alreadyGone) {
                // disconnected by the broker
            }
        }
    }

    static Session connected(final String username) {
        final Session session = new Session(MqttClients.newId());
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, session.connect(username));
        return session;
    }

    static void publish(final Device device, final String topic, final String payload) {
        final Mqtt5BlockingClient client = new MqttClients(broker.port()).connected5(MqttClients.newId(),
                device.mac(), PASSWORD);
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        } finally {
            client.disconnect();
        }
    }

    /** Milliseconds until the condition holds, polled every 50 ms; fails past the bound. */
    static long millisUntil(final String what, final BooleanSupplier condition) {
        final long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            final long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed > BOUND_MILLIS) {
                throw new AssertionError(what + " did not happen within " + BOUND_MILLIS + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        final long elapsed = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[live-changes] %s took effect after %d ms (bound %d ms)%n", what, elapsed, BOUND_MILLIS);
        return elapsed;
    }

    static boolean subscribeRefused(final Mqtt5BlockingClient client, final String filter) {
        try {
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
            client.unsubscribeWith().topicFilter(filter).send();
            return false;
        } catch (final Mqtt5SubAckException e) {
            return true;
        }
    }

    // ---- subscriptions live on the server ----

    @Test
    void userIsSubscribedServerSideToEveryPairedDevice() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "viewer");
        final Session app = connected(user.email());
        try (var inbox = app.client.publishes(MqttGlobalPublishFilter.ALL)) {
            // the app subscribes to nothing itself
            Thread.sleep(300);
            publish(cam, cam.events(), "motion");
            final Optional<Mqtt5Publish> received = inbox.receive(5, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "no event through the server-side subscription");
            assertEquals(cam.events(), received.get().getTopic().toString());
        } finally {
            app.close();
        }
    }

    @Test
    void qos1EventsWhileOfflineArriveWhenTheAppReturnsEvenAfterABrokerRestart() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "owner");
        final String clientId = MqttClients.newId();
        final Session first = new Session(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, first.connect(user.email()));
        Thread.sleep(300); // the server-side subscription is added right after CONNACK
        first.close();

        publish(cam, cam.events(), "while-offline");
        broker.restart();

        final Session back = new Session(clientId);
        try (var inbox = back.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, back.connect(user.email()));
            final Optional<Mqtt5Publish> received = inbox.receive(5, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "the QoS 1 event published while offline was lost");
            assertEquals("while-offline", new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        } finally {
            back.close();
        }
    }

    // ---- changes take effect live ----

    @Test
    void unpairingStopsEventsAndCommandsWithinTheBound() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "owner");
        final Session app = connected(user.email());
        try (var inbox = app.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertTrue(!subscribeRefused(app.client, cam.events()));
            unpair(user, cam);
            millisUntil("unpairing", () -> subscribeRefused(app.client, cam.events()));
            Thread.sleep(200);
            while (inbox.receive(100, TimeUnit.MILLISECONDS).isPresent()) {
                // drain what was delivered before the change
            }
            publish(cam, cam.events(), "after-unpairing");
            assertTrue(inbox.receive(1, TimeUnit.SECONDS).isEmpty(), "an unpaired device's event was delivered");
            final Mqtt5PubAckException denied = assertThrows(Mqtt5PubAckException.class, () -> app.client
                    .publishWith().topic(cam.command()).qos(MqttQos.AT_LEAST_ONCE).payload("x".getBytes()).send());
            assertEquals("NOT_AUTHORIZED", denied.getMqttMessage().getReasonCode().name());
        } finally {
            app.close();
        }
    }

    @Test
    void pairingAConnectedUserGrantsAndSubscribesWithoutReconnect() throws Exception {
        final Device cam = device();
        final Account user = user();
        final Session app = connected(user.email());
        try (var inbox = app.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertTrue(subscribeRefused(app.client, cam.events()));
            pair(user, cam, "viewer");
            final AtomicInteger probe = new AtomicInteger();
            millisUntil("pairing", () -> {
                publish(cam, cam.events(), "probe-" + probe.incrementAndGet());
                try {
                    return inbox.receive(100, TimeUnit.MILLISECONDS).isPresent();
                } catch (final InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            app.close();
        }
    }

    @Test
    void downgradingOwnerToViewerTakesCommandsAway() throws Exception {
        final Account user = user();
        final Device cam2 = device();
        pair(user, cam2, "owner");
        final Session live = connected(user.email());
        try {
            db.execute("UPDATE pairings SET role = 'viewer' WHERE account_id = ? AND device_id = ?", user.id(),
                    cam2.id());
            // the live connection itself probes: allowed commands go through, the first denied one ends it
            millisUntil("downgrade to viewer", () -> {
                try {
                    live.client.publishWith().topic(cam2.command()).qos(MqttQos.AT_LEAST_ONCE)
                            .payload("x".getBytes()).send();
                    return false;
                } catch (final Mqtt5PubAckException denied) {
                    assertEquals("NOT_AUTHORIZED", denied.getMqttMessage().getReasonCode().name());
                    return true;
                }
            });
        } finally {
            live.close();
        }
    }

    @Test
    void disablingAnAccountDisconnectsItWithNotAuthorized() throws Exception {
        final Account user = user();
        final Session app = connected(user.email());
        db.execute("UPDATE accounts SET enabled = FALSE WHERE id = ?", user.id());
        millisUntil("disabling an account", app.disconnected::isDone);
        final Mqtt5DisconnectException cause = assertInstanceOf(Mqtt5DisconnectException.class,
                app.disconnected.get());
        assertEquals(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED, cause.getMqttMessage().getReasonCode());
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, new Session(MqttClients.newId()).connect(user.email()));
    }

    @Test
    void changingADevicePasswordDisconnectsIt() throws Exception {
        final Device cam = device();
        final Session device = connected(cam.mac());
        db.execute("UPDATE devices SET password_hash = ? WHERE id = ?", BCrypt.hashpw("new-pass", BCrypt.gensalt(4)),
                cam.id());
        millisUntil("a password change", device.disconnected::isDone);
        final Mqtt5DisconnectException cause = assertInstanceOf(Mqtt5DisconnectException.class,
                device.disconnected.get());
        assertEquals(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION, cause.getMqttMessage().getReasonCode());
    }

    @Test
    void deletingADeviceDisconnectsItAndTakesItFromItsUsers() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "owner");
        final Session device = connected(cam.mac());
        final Session app = connected(user.email());
        try {
            assertTrue(!subscribeRefused(app.client, cam.events()));
            db.execute("DELETE FROM devices WHERE id = ?", cam.id());
            millisUntil("deleting a device", () -> device.disconnected.isDone()
                    && subscribeRefused(app.client, cam.events()));
        } finally {
            app.close();
        }
    }

    @Test
    void messagesQueuedBeforeUnpairingAreNotDeliveredAfterwards() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "viewer");
        final String clientId = MqttClients.newId();
        final Session first = new Session(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, first.connect(user.email()));
        Thread.sleep(300);
        first.close();
        publish(cam, cam.events(), "queued-while-paired");
        final Session witness = connected(user.email());
        unpair(user, cam);
        // the broker knows once a connected session of the same user has lost the device
        millisUntil("unpairing (seen by a second session)", () -> subscribeRefused(witness.client, cam.events()));
        witness.close();

        final Session back = new Session(clientId);
        try (var inbox = back.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, back.connect(user.email()));
            assertTrue(inbox.receive(1500, TimeUnit.MILLISECONDS).isEmpty(),
                    "a message of a device no longer paired was delivered");
        } finally {
            back.close();
        }
    }

    @Test
    void aSessionTakenOverByItsOwnPrincipalStillGetsLiveChanges() throws Exception {
        final Device cam = device();
        final Device added = device();
        final Account user = user();
        pair(user, cam, "owner");
        final String clientId = MqttClients.newId();
        final Session first = new Session(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, first.connect(user.email()));
        final Session second = new Session(clientId);
        try (var inbox = second.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, second.connect(user.email()));
            assertInstanceOf(Mqtt5DisconnectException.class, first.disconnected.get(5, TimeUnit.SECONDS));

            // the connection that took over is the one live changes reach: a pairing arrives ...
            pair(user, added, "viewer");
            millisUntil("pairing (after a takeover)", () -> !subscribeRefused(second.client, added.events()));
            Thread.sleep(300);
            publish(added, added.events(), "after-takeover");
            final Optional<Mqtt5Publish> received = inbox.receive(5, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "no event of a device paired after the takeover");
            assertEquals(added.events(), received.get().getTopic().toString());
            // ... and an unpairing takes the device away
            unpair(user, cam);
            millisUntil("unpairing (after a takeover)", () -> subscribeRefused(second.client, cam.events()));
        } finally {
            second.close();
        }
    }

    @Test
    void refusedConnectionsWithAConnectedClientIdDoNotDisturbItsLiveChanges() throws Exception {
        final Device cam = device();
        final Account owner = user();
        final Account other = user();
        pair(owner, cam, "owner");
        final String clientId = MqttClients.newId();
        final Session victim = new Session(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, victim.connect(owner.email()));
        try {
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, new Session(clientId)
                    .connect(other.email()));
            final Session wrongPassword = new Session(clientId);
            assertThrows(Mqtt5ConnAckException.class, () -> wrongPassword.client.connectWith().simpleAuth()
                    .username(owner.email()).password("wrong".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                    .send());
            assertTrue(victim.client.getState().isConnected(), "the victim was kicked off");
            unpair(owner, cam);
            millisUntil("unpairing (after refused connections with its client id)",
                    () -> subscribeRefused(victim.client, cam.events()));
        } finally {
            victim.close();
        }
    }

    /**
     * Connects a client that takes one message at a time and holds on to it (receive maximum 1, acknowledged by the
     * test), in a new session (so without an outbound check from the start) that lasts {@code sessionExpiry} seconds.
     */
    static Mqtt5AsyncClient holdingApp(final String clientId, final Account user, final long sessionExpiry,
                                       final List<Mqtt5Publish> received) throws Exception {
        final Mqtt5AsyncClient app = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
        app.publishes(MqttGlobalPublishFilter.ALL, received::add, true);
        app.connectWith().cleanStart(true).sessionExpiryInterval(sessionExpiry).restrictions().receiveMaximum(1)
                .applyRestrictions().simpleAuth().username(user.email())
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().get(5, TimeUnit.SECONDS);
        return app;
    }

    /**
     * Has {@code cam} publish three messages to a holding app of {@code user} (one delivered and held, two queued
     * behind it), then unpairs them and waits until the broker knows (seen by a second session of the user).
     */
    static void queueThreeThenUnpair(final Device cam, final Account user, final List<Mqtt5Publish> received)
            throws Exception {
        final Session witness = connected(user.email());
        try {
            Thread.sleep(300);
            for (int i = 1; i <= 3; i++) {
                publish(cam, cam.events(), "queued-" + i);
            }
            millisUntil("first message delivered, the others queued", () -> received.size() == 1);
            unpair(user, cam);
            millisUntil("unpairing (seen by a second session)", () -> subscribeRefused(witness.client, cam.events()));
        } finally {
            witness.close();
        }
    }

    @Test
    void messagesQueuedForAConnectedClientBeforeUnpairingAreNotDeliveredAfterwards() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "viewer");
        final List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
        final Mqtt5AsyncClient app = holdingApp(MqttClients.newId(), user, 0, received);
        try {
            queueThreeThenUnpair(cam, user, received);
            received.get(0).acknowledge(); // frees the broker to send what it queued while the device was paired
            Thread.sleep(1500);
            assertEquals(1, received.size(), "a message of a device no longer paired was delivered: " +
                    received.stream().map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).toList());
        } finally {
            app.disconnect();
        }
    }

    @Test
    void messagesQueuedBeforeUnpairingStayUndeliveredWhenThePersistentSessionResumes() throws Exception {
        final Device cam = device();
        final Account user = user();
        pair(user, cam, "viewer");
        // a persistent session that leaves before acknowledging what it holds
        final String clientId = MqttClients.newId();
        final List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
        final Mqtt5AsyncClient app = holdingApp(clientId, user, 3600, received);
        try {
            queueThreeThenUnpair(cam, user, received);
            Thread.sleep(500); // the unpaired subscription is gone from the session by now
        } finally {
            app.disconnect().get(5, TimeUnit.SECONDS); // the queue still holds what came before the unpairing
        }

        // the resumed session's subscriptions are all allowed now; its queue is not
        final Session back = new Session(clientId);
        try (var inbox = back.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, back.connect(user.email()));
            final Optional<Mqtt5Publish> stale = inbox.receive(1500, TimeUnit.MILLISECONDS);
            assertTrue(stale.isEmpty(), "a message of a device no longer paired was delivered after resuming: " +
                    stale.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).orElse(""));
        } finally {
            back.close();
        }
    }

    // ---- client ids belong to their principal ----

    @Test
    void anotherPrincipalCannotTakeOverASessionAndTheVictimKeepsItsQueue() throws Exception {
        final Device cam = device();
        final Account owner = user();
        final Account attacker = user();
        pair(owner, cam, "owner");
        final String clientId = MqttClients.newId();
        final Session victim = new Session(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, victim.connect(owner.email()));

        // while the victim is connected
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, new Session(clientId).connect(attacker.email()));
        assertTrue(victim.client.getState().isConnected(), "the victim was kicked off");
        Thread.sleep(300);
        victim.close();

        // and while it is offline with a queued message, also over MQTT 3.1.1
        publish(cam, cam.events(), "for-the-owner");
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, new Session(clientId).connect(attacker.email()));
        final Mqtt3BlockingClient v3 = new MqttClients(broker.port()).v3(clientId);
        final Mqtt3ConnAckException refused = assertThrows(Mqtt3ConnAckException.class, () -> v3.connectWith()
                .cleanSession(false).simpleAuth().username(attacker.email()).password(PASSWORD.getBytes())
                .applySimpleAuth().send());
        assertEquals(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED, refused.getMqttMessage().getReturnCode());

        final Session back = new Session(clientId);
        try (var inbox = back.client.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, back.connect(owner.email()));
            final Optional<Mqtt5Publish> received = inbox.receive(5, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "the victim's queued message is gone");
            assertEquals("for-the-owner", new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        } finally {
            back.close();
        }
    }

    @Test
    void deletingAnAccountFreesItsClientIds() {
        final Account first = user();
        final Account second = user();
        final String clientId = MqttClients.newId();
        final Session one = new Session(clientId);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, one.connect(first.email()));
        one.close();
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, new Session(clientId).connect(second.email()));
        db.execute("DELETE FROM accounts WHERE id = ?", first.id());
        final Session two = new Session(clientId);
        millisUntil("freeing a deleted account's client id",
                () -> two.connect(second.email()) == Mqtt5ConnAckReasonCode.SUCCESS);
        two.close();
    }
}
