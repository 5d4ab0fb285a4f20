package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
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
 * say why in the log, and the completed version is taken over. Real broker, real MariaDB, real MQTT 5 clients.
 */
class ConfigReloadIT {

    private static final String CAM_MAC = "00:1B:FE:0D:44:21";
    private static final String UID = "XRHIU1Z76KFMWXPDWQFM";
    private static final String ANY_EVENT = "/orbweb/ipcam/+/" + UID;
    private static final String MOTION = "/orbweb/ipcam/motion/" + UID;
    private static final String EVENT = "/orbweb/ipcam/event/" + UID;
    private static final String PASSWORD = "pass-1";
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
            assertTrue(log.contains("reloaded <permissions> and <auto-subscribe>"), log.lines().toString());

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
