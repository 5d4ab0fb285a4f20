package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adversarial ITs' world (docs/SECURITY-CASES.md): one broker and one MariaDB per class. Alice owns cam1 and views
 * cam2, Bob owns cam3 (the victim's device), Lonely has no pairing, a service account sees everything under '/'.
 * {@link Watcher} is the leak check: a service subscriber that must see the attack's marker and nothing before it.
 */
final class AttackFixture implements AutoCloseable {

    static final String DEVICE_PASSWORD = "device-pass-1";
    static final String ALICE = "alice@example.com";
    static final String ALICE_PASSWORD = "alice-pass-1";
    static final String BOB = "bob@example.com";
    static final String BOB_PASSWORD = "bob-pass-1";
    static final String LONELY = "lonely@example.com";
    static final String LONELY_PASSWORD = "lonely-pass-1";
    static final String SERVICE = "backend@vendor.example";
    static final String SERVICE_PASSWORD = "service-pass-1";

    static final String CAM1_MAC = "00:1B:FE:0D:44:21";
    static final String CAM1_UID = "XRHIU1Z76KFMWXPDWQFM";
    static final String CAM2_MAC = "00:1B:FE:0D:44:22";
    static final String CAM2_UID = "ZAVIO2Z76KFMWXPDWQ22";
    static final String CAM3_MAC = "00:1B:FE:0D:44:23";
    static final String CAM3_UID = "ORBWEB3ZZKFMWXPDWQ33";

    static final String CAM1_EVENTS = "/orbweb/ipcam/motiondetector/" + CAM1_UID;
    static final String CAM2_EVENTS = "/zavio/ipcam/motiondetector/" + CAM2_UID;
    static final String CAM3_EVENTS = "/orbweb/ipcam/motiondetector/" + CAM3_UID;
    static final String CAM1_COMMAND = "/orbweb/ipcam/command/" + CAM1_UID;
    static final String CAM2_COMMAND = "/zavio/ipcam/command/" + CAM2_UID;
    static final String CAM3_COMMAND = "/orbweb/ipcam/command/" + CAM3_UID;

    private final BrokerWithDatabase env;
    private final MqttClients mqtt;

    /** The usual world with the shipped config (throttling out of the way), edited by {@code configEdit}. */
    AttackFixture(final UnaryOperator<String> configEdit) {
        env = BrokerWithDatabase.start(AttackFixture::seed, configEdit);
        mqtt = new MqttClients(env.broker().port());
    }

    AttackFixture() {
        this(config -> config);
    }

    static void seed(final MariaDbServer db) {
        final String deviceHash = BCrypt.hashpw(DEVICE_PASSWORD, BCrypt.gensalt(4));
        device(db, 1, CAM1_MAC, CAM1_UID, "orbweb", deviceHash);
        device(db, 2, CAM2_MAC, CAM2_UID, "zavio", deviceHash);
        device(db, 3, CAM3_MAC, CAM3_UID, "orbweb", deviceHash);
        account(db, 1, ALICE, BCrypt.hashpw(ALICE_PASSWORD, BCrypt.gensalt(4)), "user");
        account(db, 2, BOB, BCrypt.hashpw(BOB_PASSWORD, BCrypt.gensalt(4)), "user");
        account(db, 3, LONELY, BCrypt.hashpw(LONELY_PASSWORD, BCrypt.gensalt(4)), "user");
        account(db, 4, SERVICE, BCrypt.hashpw(SERVICE_PASSWORD, BCrypt.gensalt(4)), "service");
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner'), (1, 2, 'viewer'), " +
                "(2, 3, 'owner')");
    }

    static void device(final MariaDbServer db, final long id, final String mac, final String uid, final String vendor,
                       final String hash) {
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?,?)",
                id, mac, uid, vendor, "ipcam", hash);
    }

    static void account(final MariaDbServer db, final long id, final String email, final String hash,
                        final String role) {
        db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?,?,?,?)", id, email, hash, role);
    }

    MariaDbServer db() {
        return env.db();
    }

    int port() {
        return env.broker().port();
    }

    EmbeddedBroker broker() {
        return env.broker();
    }

    MqttClients mqtt() {
        return mqtt;
    }

    Mqtt5BlockingClient connected(final String username, final String password) {
        return mqtt.connected5(MqttClients.newId(), username, password);
    }

    /** A service subscriber on {@code filter}: sees every message the attack could have leaked there. */
    Watcher watch(final String filter) {
        return new Watcher(connected(SERVICE, SERVICE_PASSWORD), filter);
    }

    /** What {@code client} receives, on the subscriptions it holds (its own and the extension's). */
    Watcher inboxOf(final Mqtt5BlockingClient client) {
        return new Watcher(client, null);
    }

    /**
     * The leak check. After an attack, {@link #sawOnlyMarker} has an allowed client publish a marker to a topic the
     * watcher sees and waits for it: whatever the attack let through was decided before, so it would have come first.
     */
    final class Watcher implements AutoCloseable {
        private final Mqtt5BlockingClient client;
        private final Mqtt5BlockingClient.Mqtt5Publishes inbox;

        Watcher(final Mqtt5BlockingClient client, final String filter) {
            this.client = client;
            inbox = client.publishes(MqttGlobalPublishFilter.ALL);
            if (filter != null) {
                client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
            }
        }

        /**
         * Publishes (as the service) a message to each of {@code victimTopics}, which the watched client must not
         * get, then a marker to {@code markerTopic}, which it must get; fails if anything came before the marker.
         */
        void sawOnlyMarker(final String markerTopic, final String... victimTopics) {
            final String marker = "marker-" + UUID.randomUUID();
            final Mqtt5BlockingClient publisher = connected(SERVICE, SERVICE_PASSWORD);
            try {
                for (final String topic : victimTopics) {
                    publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                            .payload("victim's".getBytes(StandardCharsets.UTF_8)).send();
                }
                publisher.publishWith().topic(markerTopic).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(marker.getBytes(StandardCharsets.UTF_8)).send();
            } finally {
                disconnect(publisher);
            }
            final List<String> before = new ArrayList<>();
            try {
                while (true) {
                    final Optional<Mqtt5Publish> next = inbox.receive(10, TimeUnit.SECONDS);
                    assertTrue(next.isPresent(), "the marker never came; before it: " + before);
                    final String payload = new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
                    if (payload.equals(marker)) {
                        break;
                    }
                    before.add(next.get().getTopic() + " " + payload);
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertEquals(List.of(), before, "delivered although refused");
        }

        @Override
        public void close() {
            inbox.close();
            disconnect(client);
        }
    }

    /** The SUBACK codes of one SUBSCRIBE of all the filters, whether the client threw or not. */
    static List<Mqtt5SubAckReasonCode> subscribe(final Mqtt5BlockingClient client, final String... filters) {
        final List<Mqtt5Subscription> subscriptions = new ArrayList<>();
        for (final String filter : filters) {
            subscriptions.add(Mqtt5Subscription.builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build());
        }
        try {
            return client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subscriptions).build()).getReasonCodes();
        } catch (final Mqtt5SubAckException refused) {
            return refused.getMqttMessage().getReasonCodes();
        }
    }

    /** Runs a mosquitto client (e.g. mosquitto_pub -d) to its end; its exit code and everything it printed. */
    static Result mosquitto(final String... command) {
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running: " + String.join(" ", command));
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Result(int exitCode, String output) {
    }

    private static final Pattern CONNACK = Pattern.compile("received CONNACK \\((\\d+)\\)");

    /** The CONNACK code a mosquitto_pub of {@code version} ("mqttv311", "mqttv5") heard; it prints it with -d. */
    int mosquittoConnAck(final String version, final String username, final String password,
                         final String... moreOptions) {
        final List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-d", "-V", version,
                "-h", "127.0.0.1", "-p", Integer.toString(port()), "-i", MqttClients.newId(),
                "-u", username, "-P", password, "-t", CAM3_EVENTS + "/probe", "-m", "x", "-q", "1"));
        command.addAll(List.of(moreOptions));
        final Result result = mosquitto(command.toArray(String[]::new));
        final Matcher matcher = CONNACK.matcher(result.output());
        assertTrue(matcher.find(), result.output());
        return Integer.parseInt(matcher.group(1));
    }

    /**
     * Connects (and disconnects) until the CONNACK says {@code expected}, for at most 15 s: a live change takes a
     * poll interval or two. Returns the last code, so the caller's assertion names what it got.
     */
    Mqtt5ConnAckReasonCode awaitCode(final String username, final String password,
                                     final Mqtt5ConnAckReasonCode expected) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Mqtt5ConnAckReasonCode code;
        do {
            code = mqtt.connect5(username, password);
            if (code == expected) {
                return code;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        return code;
    }

    static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void disconnect(final Mqtt5BlockingClient... clients) {
        for (final Mqtt5BlockingClient client : clients) {
            try {
                client.disconnect();
            } catch (final MqttClientStateException alreadyDisconnected) {
                // the broker may have closed it first, e.g. after a refused PUBLISH
            }
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
