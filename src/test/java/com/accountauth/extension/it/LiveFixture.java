package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What the live-change ITs of moved pairings, Wills and the revoked mark share: one broker with the built extension
 * and one MariaDB with the shipped schema, rows made per test, and real MQTT 5 clients (HiveMQ MQTT Client, and
 * mosquitto_sub for a client that must drop without a DISCONNECT).
 */
final class LiveFixture implements AutoCloseable {

    /** The bound for a change to take effect; the shipped poll interval is 2 s. */
    static final long BOUND_MILLIS = 5_000;
    static final String PASSWORD = "live-pass-1";

    private final BrokerWithDatabase env;
    private final String passwordHash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
    private final AtomicInteger ids = new AtomicInteger(100);
    private final List<Process> processes = new ArrayList<>();

    LiveFixture() {
        env = BrokerWithDatabase.start(server -> { }, config -> config);
    }

    MariaDbServer db() {
        return env.db();
    }

    int port() {
        return env.broker().port();
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

    Device device() {
        final int id = ids.incrementAndGet();
        final String mac = String.format("02:00:00:01:%02X:%02X", id / 256, id % 256);
        final String uid = "FIXUID" + id;
        db().execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?,?)",
                id, mac, uid, "orbweb", "ipcam", passwordHash);
        return new Device(id, mac, uid);
    }

    Account user() {
        final int id = ids.incrementAndGet();
        final String email = "user" + id + "@fixture.example";
        db().execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?,?,?,'user')", id, email,
                passwordHash);
        return new Account(id, email);
    }

    void pair(final Account account, final Device device, final String role) {
        db().execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,?)", account.id(), device.id(),
                role);
    }

    void unpair(final Account account, final Device device) {
        db().execute("DELETE FROM pairings WHERE account_id = ? AND device_id = ?", account.id(), device.id());
    }

    /** Publishes one QoS 1 message as the device, from a connection of its own. */
    void publishAs(final Device device, final String topic, final String payload) {
        final Mqtt5BlockingClient client = new MqttClients(port()).connected5(MqttClients.newId(), device.mac(),
                PASSWORD);
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        } finally {
            client.disconnect();
        }
    }

    /** An MQTT 5 client that records how it was disconnected. */
    final class Session {
        final Mqtt5BlockingClient client;
        final CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        final Mqtt5BlockingClient.Mqtt5Publishes inbox;

        Session(final String clientId) {
            client = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                    .serverPort(port()).addDisconnectedListener(context -> disconnected.complete(context.getCause()))
                    .buildBlocking();
            inbox = client.publishes(MqttGlobalPublishFilter.ALL);
        }

        /** Connects in a new session (or a persistent one of an hour) and waits for CONNACK success. */
        Session connect(final String username, final boolean persistent) {
            client.connectWith().cleanStart(!persistent).sessionExpiryInterval(persistent ? 3600 : 0).simpleAuth()
                    .username(username).password(PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
            return this;
        }

        /** The next message's payload within the time, if one arrives. */
        Optional<String> next(final long millis) throws InterruptedException {
            return inbox.receive(millis, TimeUnit.MILLISECONDS)
                    .map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
        }

        /** Drops what arrived so far. */
        void drain() throws InterruptedException {
            while (inbox.receive(100, TimeUnit.MILLISECONDS).isPresent()) {
                // delivered before the change
            }
        }

        boolean subscribeRefused(final String filter) {
            try {
                client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
                client.unsubscribeWith().topicFilter(filter).send();
                return false;
            } catch (final Mqtt5SubAckException e) {
                return true;
            }
        }

        boolean publishRefused(final String topic) {
            try {
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload("probe".getBytes()).send();
                return false;
            } catch (final Mqtt5PubAckException e) {
                return true;
            }
        }

        void close() {
            inbox.close();
            try {
                client.disconnect();
            } catch (final MqttClientStateException alreadyGone) {
                // disconnected by the broker
            }
        }
    }

    Session connected(final String username) {
        return new Session(MqttClients.newId()).connect(username, false);
    }

    /**
     * A connected camera, ready to receive commands: its server-side subscription is in place once an owner's
     * probe arrives ({@code owner} is a connected session allowed to command it).
     */
    Session readyCamera(final Device cam, final Session owner) throws InterruptedException {
        final Session camera = connected(cam.mac());
        millisUntil("the camera's command subscription", () -> {
            owner.client.publishWith().topic(cam.command()).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("ready?".getBytes()).send();
            try {
                return camera.next(100).isPresent();
            } catch (final InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        camera.drain();
        return camera;
    }

    /** A mosquitto_sub process with a Will, and what it printed (-d: every packet). */
    static final class WillClient {
        final Process process;
        private final StringBuilder output = new StringBuilder();

        WillClient(final Process process) {
            this.process = process;
            final Thread reader = new Thread(() -> {
                try {
                    final byte[] buffer = new byte[4096];
                    int n;
                    while ((n = process.getInputStream().read(buffer)) > 0) {
                        synchronized (output) {
                            output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (final IOException ignored) {
                    // the process went
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        boolean printed(final String text) {
            synchronized (output) {
                return output.toString().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public String toString() {
            synchronized (output) {
                return output.toString();
            }
        }

        /** True once the broker has sent it a DISCONNECT. */
        boolean disconnectedByBroker() {
            return printed("received DISCONNECT");
        }

        /** Kills it the hard way: the broker sees its connection drop without a DISCONNECT. */
        void killHard() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A mosquitto_sub (MQTT 5, persistent session) of {@code username} subscribed to {@code topic}, with a QoS 1 Will
     * to {@code willTopic} carrying {@code willPayload}, sent {@code willDelaySeconds} after the connection is lost;
     * returns once its SUBACK is in.
     */
    WillClient willClient(final String username, final String topic, final String willTopic, final String willPayload,
                          final int willDelaySeconds) throws IOException {
        // line-buffered: mosquitto_sub's -d lines are how the test sees its packets
        final List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-d", "-V", "mqttv5",
                "-h", "127.0.0.1", "-p", Integer.toString(port()), "-i", MqttClients.newId(),
                "-u", username, "-P", PASSWORD, "-t", topic, "-q", "1", "-c", "-x", "3600",
                "--will-topic", willTopic, "--will-payload", willPayload, "--will-qos", "1"));
        if (willDelaySeconds > 0) {
            command.addAll(List.of("-D", "will", "will-delay-interval", Integer.toString(willDelaySeconds)));
        }
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        final WillClient client = new WillClient(process);
        try {
            millisUntil("mosquitto_sub connected and subscribed", () -> client.printed("received SUBACK"));
        } catch (final AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it printed: " + client, e);
        }
        return client;
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
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        env.close();
    }
}
