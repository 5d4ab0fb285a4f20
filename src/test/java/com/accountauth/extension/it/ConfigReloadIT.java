package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * config.xml changed while the broker runs, with a connected client probed by real SUBSCRIBEs (SUBACK codes) and
 * real deliveries: a valid version's templates reach it, an invalid one and a half-written one change nothing and
 * say why in the log, and the completed version is taken over; a reloaded throttle limits the next guesses, a
 * tightened client-id pattern disconnects the connected client it refuses and refuses its next CONNECT, and a broken
 * version of any reloadable element keeps the running values of all. Real broker, real MariaDB, real MQTT 5 clients.
 */
class ConfigReloadIT {

    private static final String CAM_MAC = "00:1B:FE:0D:44:21";
    private static final String UID = "XRHIU1Z76KFMWXPDWQFM";
    private static final String ANY_EVENT = "/orbweb/ipcam/+/" + UID;
    private static final String MOTION = "/orbweb/ipcam/motion/" + UID;
    private static final String EVENT = "/orbweb/ipcam/event/" + UID;
    private static final String PASSWORD = "pass-1";
    // the tests' shipped config throttles nobody (EmbeddedBroker.shippedConfigFor)
    private static final String BURST_SHIPPED = "<address-failure-burst>100000</address-failure-burst>";
    private static final String NO_ACCOUNT_PATTERN = "<!-- <account-pattern>app-${{id}}-.+</account-pattern> -->";
    private static final String ACCOUNT_PATTERN = "<account-pattern>app-${{id}}-.+</account-pattern>";
    private static final String PAIRED_ANY = "<paired-device>\n            <subscribe>/${{vendor}}/${{model}}/+/${{uid}}" +
            "</subscribe>\n            <subscribe>/${{vendor}}/${{model}}/+/${{uid}}/#</subscribe>";
    private static final String PAIRED_EVENT_ONLY = "<paired-device>\n            <subscribe>/${{vendor}}/${{model}}" +
            "/event/${{uid}}</subscribe>\n            <subscribe>/${{vendor}}/${{model}}/event/${{uid}}/#</subscribe>";

    private static BrokerWithDatabase env;
    private static MqttClients mqtt;
    private static String shipped;
    private static Path configFile;

    @BeforeAll
    static void start() {
        env = BrokerWithDatabase.start(ConfigReloadIT::seed, xml -> {
            shipped = xml.replace("<interval-seconds>10</interval-seconds>", "<interval-seconds>1</interval-seconds>")
                    .replace("<poll-interval-millis>2000</poll-interval-millis>",
                            "<poll-interval-millis>300</poll-interval-millis>");
            return shipped;
        });
        assertTrue(shipped.contains(PAIRED_ANY) && shipped.contains("<interval-seconds>1<"), "the shipped config");
        for (final String element : List.of(BURST_SHIPPED, NO_ACCOUNT_PATTERN, "<principal-ttl-seconds>3600<",
                "<max-length>191<", "<formats>bcrypt pbkdf2 argon2id</formats>", "<dummy-bcrypt-cost>10<",
                "<format>text</format>")) {
            assertTrue(shipped.contains(element), "the shipped config has " + element);
        }
        mqtt = new MqttClients(env.broker().port());
        configFile = env.broker().home().resolve("extensions/account-auth/conf/config.xml");
        assertTrue(Files.isRegularFile(configFile), configFile.toString());
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES (?,?,?,?,?,?,?)",
                1, CAM_MAC, UID, "orbweb", "ipcam", hash, true);
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES (?,?,?,?,?)",
                1, "alice@example.com", hash, "user", true);
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,?)", 1, 1, "owner");
    }

    @Test
    void aConnectedClientGetsTheRightsOfEachValidVersionAndKeepsThemThroughBrokenOnes() throws Exception {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
        final Mqtt5BlockingClient cam = mqtt.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
        try (LogCapture log = new LogCapture();
             Mqtt5BlockingClient.Mqtt5Publishes inbox = alice.publishes(MqttGlobalPublishFilter.ALL)) {
            assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_1, subscribe(alice, ANY_EVENT));
            assertDelivered(cam, inbox, MOTION, true);

            // 1. valid: users watch only the event topics of their devices
            write(shipped.replace(PAIRED_ANY, PAIRED_EVENT_ONLY));
            awaitTrue(() -> subscribe(alice, ANY_EVENT) == Mqtt5SubAckReasonCode.NOT_AUTHORIZED,
                    "the connected client lost '+' after a valid reload; log: " + log.lines());
            assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_1, subscribe(alice, EVENT));
            // its subscription that went is removed, not just refused anew
            assertDelivered(cam, inbox, MOTION, false);
            assertDelivered(cam, inbox, EVENT, true);
            // and a new CONNECT gets the new rights too
            assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, subscribe(fresh(), ANY_EVENT));
            assertTrue(log.lines().stream().anyMatch(line -> line.contains(": reloaded <permissions>")
                    && line.endsWith("; the grants of connected clients are recomputed")), log.lines().toString());

            // 2. invalid, and broader: refused with the start's message, the running config kept
            final String invalid = shipped.replace(PAIRED_ANY, "<paired-device>\n            <subscribe>" +
                    "/${{vendor}}/+</subscribe>");
            final int beforeInvalid = log.lines().size();
            write(invalid);
            awaitTrue(() -> loggedSince(log, beforeInvalid, "not reloaded, kept the running configuration"),
                    "the invalid file seen");
            assertTrue(loggedSince(log, beforeInvalid, configFile + ": <permissions>/<paired-device>/<subscribe>: " +
                    "'/${{vendor}}/+' ends in '+'"), log.lines().toString());
            assertRightsOfTheEventOnlyVersion(alice);

            // 3. half-written: invalid as well; the completed write is taken over
            final String back = shipped.replace("<!-- How often, in seconds", "<!-- (back) How often, in seconds");
            final int beforeHalf = log.lines().size();
            write(back.substring(0, back.indexOf("</permissions>")));
            awaitTrue(() -> loggedSince(log, beforeHalf, configFile + ": not well-formed XML"),
                    "the half-written file seen; log: " + log.lines());
            assertRightsOfTheEventOnlyVersion(alice);
            write(back);
            awaitTrue(() -> subscribe(alice, ANY_EVENT) == Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                    "'+' back after the completed write; log: " + log.lines());
            assertDelivered(cam, inbox, MOTION, true);
            assertFalse(log.lines().stream().anyMatch(line -> line.contains(env.db().appPassword())),
                    "the DB password in the log");
        } finally {
            alice.disconnect();
            cam.disconnect();
        }
    }

    @Test
    void aReloadedThrottleLimitsTheNextGuessesAtOnce() throws Exception {
        try (LogCapture log = new LogCapture()) {
            // the burst the tests start with throttles nobody; 2 failures from now on
            writeAndAwait(log, shipped.replace(BURST_SHIPPED, "<address-failure-burst>2</address-failure-burst>"),
                    "reloaded <throttling>/<address-failure-burst>");
            assertFalse(loggedSince(log, 0, "recomputed"), "a throttle change needs no resync: " + log.lines());
            for (int i = 0; i < 2; i++) {
                assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                        connectFrom("127.0.0.71", MqttClients.newId(), "nobody-" + i + "@example.com", "wrong"));
            }
            assertEquals(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED,
                    connectFrom("127.0.0.71", MqttClients.newId(), "alice@example.com", PASSWORD),
                    "the third failure in a row from one address, past the reloaded burst");
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS,
                    connectFrom("127.0.0.72", MqttClients.newId(), "alice@example.com", PASSWORD),
                    "another address is not held back");
        } finally {
            restoreShipped();
        }
    }

    @Test
    void aTightenedClientIdPatternDisconnectsTheClientItRefusesAndRefusesItsNextConnect() throws Exception {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
        final Mqtt5BlockingClient app = mqtt.connected5("app-1-phone", "alice@example.com", PASSWORD);
        final Mqtt5BlockingClient cam = mqtt.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
        try (LogCapture log = new LogCapture()) {
            writeAndAwait(log, shipped.replace(NO_ACCOUNT_PATTERN, ACCOUNT_PATTERN),
                    "reloaded <client-ids>/<account-pattern>; the grants of connected clients are recomputed");
            awaitTrue(() -> !alice.getState().isConnected(),
                    "the connected client whose id the new pattern refuses is disconnected");
            assertTrue(log.contains("does not match app-${{id}}-.+ (now refused at CONNECT)"), log.lines().toString());
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, aliceWith(MqttClients.newId()));
            // a matching id, connected or new, and the devices (no device pattern) stay
            assertTrue(app.getState().isConnected(), "its id matches");
            assertTrue(cam.getState().isConnected(), "no device pattern");
            assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_1, subscribe(app, EVENT));
            final Mqtt5BlockingClient tablet = mqtt.connected5("app-1-tablet", "alice@example.com", PASSWORD);
            tablet.disconnect();
        } finally {
            restoreShipped();
            if (app.getState().isConnected()) {
                app.disconnect();
            }
            cam.disconnect();
        }
        mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD).disconnect();
    }

    @Test
    void aFormatTakenAwayFromUsersDisconnectsTheUsersInByPasswordAndRefusesTheirNextConnect() throws Exception {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
        final Mqtt5BlockingClient cam = mqtt.connected5(MqttClients.newId(), CAM_MAC, PASSWORD);
        final String users = "<formats>bcrypt pbkdf2 argon2id</formats>\n            <target>bcrypt</target>";
        final int at = shipped.indexOf(users); // <user>'s, the first after <device>'s
        assertTrue(at > 0 && shipped.lastIndexOf("<user>", at) > shipped.lastIndexOf("<device>", at), "user formats");
        try (LogCapture log = new LogCapture()) {
            final String noBcrypt = "<formats>pbkdf2 argon2id</formats><target>pbkdf2</target>";
            writeAndAwait(log, shipped.substring(0, at) + noBcrypt + shipped.substring(at + users.length()),
                    "<passwords>/<user>/<formats>, <passwords>/<user>/<target>; the grants of connected clients are " +
                            "recomputed");
            awaitTrue(() -> !alice.getState().isConnected(), "the user whose bcrypt row users may no longer have");
            assertTrue(log.contains("which a user may not use (<passwords><user><formats>) (now refused at CONNECT)"),
                    log.lines().toString());
            // its password was remembered as verified: not trusted past the new policy
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, aliceWith(MqttClients.newId()));
            assertTrue(cam.getState().isConnected(), "devices may still have bcrypt rows");
        } finally {
            restoreShipped();
            cam.disconnect();
        }
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, aliceWith(MqttClients.newId()));
    }

    @Test
    void aBrokenVersionOfAnyReloadableElementKeepsTheRunningValues() throws Exception {
        final String running = shipped.replace(NO_ACCOUNT_PATTERN, ACCOUNT_PATTERN)
                .replace(BURST_SHIPPED, "<address-failure-burst>3</address-failure-burst>");
        try (LogCapture log = new LogCapture(); LogCapture audit = new LogCapture("account-auth.audit")) {
            writeAndAwait(log, running, "reloaded <client-ids>/<account-pattern>, <throttling>");
            final List<List<String>> broken = List.of(
                    List.of("<address-failure-burst>3<", "<address-failure-burst>0<",
                            "<throttling>/<address-failure-burst>: 0 is outside"),
                    List.of("<principal-ttl-seconds>3600<", "<principal-ttl-seconds>0<",
                            "<cache>/<principal-ttl-seconds>: 0 is outside"),
                    List.of(ACCOUNT_PATTERN, "<account-pattern>app-${{colour}}</account-pattern>",
                            "<client-ids>/<account-pattern>: unknown placeholder ${{colour}}"),
                    List.of("<max-length>191<", "<max-length>0<", "<client-ids>/<max-length>: 0 is outside"),
                    List.of("<formats>bcrypt pbkdf2 argon2id</formats>", "<formats>bcrypt md5</formats>",
                            "unknown format 'md5'"),
                    List.of("<dummy-bcrypt-cost>10<", "<dummy-bcrypt-cost>15<", "15 is over <max-bcrypt-cost> 14"),
                    List.of("<format>text</format>", "<format>xml</format>", "<audit>/<format>: 'xml' is not one of"));
            for (final List<String> edit : broken) {
                assertTrue(running.contains(edit.get(0)), edit.get(0));
                final int from = log.lines().size();
                writeAndAwait(log, running.replace(edit.get(0), edit.get(1)), "not reloaded, kept the running");
                assertTrue(loggedSince(log, from, edit.get(2)), edit.get(2) + " in " + log.lines());
                assertFalse(loggedSince(log, from, ": reloaded "), log.lines().toString());
                // the running pattern still refuses what it refused and admits what it admitted
                assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, aliceWith(MqttClients.newId()),
                        "after " + edit.get(1));
                assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, aliceWith("app-1-" + MqttClients.newId()),
                        "after " + edit.get(1));
            }
            // the running burst of 3, neither 0 nor the one of the start
            for (int i = 0; i < 3; i++) {
                assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                        connectFrom("127.0.0.81", "app-1-" + MqttClients.newId(), "nobody-" + i + "@example.com",
                                "wrong"));
            }
            assertEquals(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED,
                    connectFrom("127.0.0.81", "app-1-" + MqttClients.newId(), "alice@example.com", PASSWORD));
            // the audit trail still writes text, not JSON
            final List<String> trail = audit.lines();
            assertTrue(trail.stream().anyMatch(line -> line.contains("CONNECT allowed client='app-1-")),
                    trail.toString());
            assertTrue(trail.stream().noneMatch(line -> line.contains(" {")), trail.toString());
        } finally {
            restoreShipped();
        }
    }

    /** Alice's CONNECT with this client id: its CONNACK's code (disconnected again if it got in). */
    private static Mqtt5ConnAckReasonCode aliceWith(final String clientId) {
        final Mqtt5BlockingClient client = mqtt.v5(clientId);
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, "alice@example.com", MqttClients.bytes(PASSWORD));
        if (client.getState().isConnected()) {
            client.disconnect();
        }
        return code;
    }

    /** Writes a version and waits until the watcher says {@code expected} about it. */
    private static void writeAndAwait(final LogCapture log, final String xml, final String expected)
            throws Exception {
        final int from = log.lines().size();
        write(xml);
        try {
            awaitTrue(() -> loggedSince(log, from, expected), "'" + expected + "'");
        } catch (final AssertionError e) {
            throw new AssertionError(e.getMessage() + "; log: " + log.lines(), e);
        }
    }

    /** Back to the shipped file (another content than the last one written, so a look of its own), once looked at. */
    private static void restoreShipped() throws Exception {
        try (LogCapture log = new LogCapture()) {
            final String again = shipped.replace("<!-- How often, in seconds", "<!-- (again " +
                    MqttClients.newId() + ") How often, in seconds");
            writeAndAwait(log, again, configFile + ": ");
            // the resync, if any, has had its poll
            Thread.sleep(1000);
        }
    }

    private static Mqtt5ConnAckReasonCode connectFrom(final String from, final String clientId, final String username,
                                                      final String password) {
        return mqtt.connect5From(from, clientId, username, password);
    }

    private static void assertRightsOfTheEventOnlyVersion(final Mqtt5BlockingClient alice) throws Exception {
        // longer than a look at the file and a poll of the feed: a reload would have landed
        Thread.sleep(2500);
        assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, subscribe(alice, ANY_EVENT));
        assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, subscribe(alice, "/orbweb/#"));
        assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_1, subscribe(alice, EVENT));
        assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, subscribe(fresh(), ANY_EVENT));
    }

    private static Mqtt5BlockingClient fresh() {
        return mqtt.connected5(MqttClients.newId(), "alice@example.com", PASSWORD);
    }

    /** Written whole at once (a rename), so the watcher reads exactly this content, half-written or not. */
    private static void write(final String xml) throws Exception {
        final Path next = configFile.resolveSibling("config.xml.next");
        Files.writeString(next, xml);
        Files.move(next, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean loggedSince(final LogCapture log, final int from, final String text) {
        final List<String> lines = log.lines();
        return lines.subList(from, lines.size()).stream().anyMatch(line -> line.contains(text));
    }

    private static Mqtt5SubAckReasonCode subscribe(final Mqtt5BlockingClient client, final String filter) {
        try {
            return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes()
                    .get(0);
        } catch (final Mqtt5SubAckException e) {
            final List<Mqtt5SubAckReasonCode> codes = e.getMqttMessage().getReasonCodes();
            return codes.get(0);
        }
    }

    /** The camera publishes to {@code topic}: alice receives it, or not within 1.5 s. */
    private static void assertDelivered(final Mqtt5BlockingClient cam, final Mqtt5BlockingClient.Mqtt5Publishes inbox,
                                        final String topic, final boolean expected) throws Exception {
        final String marker = "m-" + MqttClients.newId();
        cam.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(MqttClients.bytes(marker)).send();
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(expected ? 5000 : 1500);
        while (System.nanoTime() < until) {
            final Optional<Mqtt5Publish> got = inbox.receive(100, TimeUnit.MILLISECONDS);
            if (got.isPresent() && new String(got.get().getPayloadAsBytes()).equals(marker)) {
                assertTrue(expected, "delivered on " + topic + " though not allowed");
                return;
            }
        }
        assertFalse(expected, "not delivered on " + topic);
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
