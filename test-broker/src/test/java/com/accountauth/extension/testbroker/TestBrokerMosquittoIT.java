package com.accountauth.extension.testbroker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The test broker as a user meets it: started in-process on free ports with the embedded demo DB, driven by Debian's
 * mosquitto_pub / mosquitto_sub over plain MQTT and MQTT over TLS (checked against the generated CA), in MQTT 3.1.1
 * and 5.
 * <p>
 * What mosquitto 2.0 does with a refusal, as asserted here: a SUBACK failure makes mosquitto_sub print "All
 * subscription requests were denied." and quit at once (exit code 0!), its debug output shows the granted QoS 128
 * (3.1.1) or reason code 135 Not authorized (5); a refused CONNECT makes it print "Connection error: ... bad user name
 * or password" and exit with the CONNACK code (4 with 3.1.1, 134 with 5).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestBrokerMosquittoIT {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    enum Transport { PLAIN, TLS }

    enum Version {
        V311("mqttv311"), V5("5");

        final String flag;

        Version(final String flag) {
            this.flag = flag;
        }
    }

    @BeforeAll
    static void startBroker() {
        // only failsafe (mvn verify) passes the built ZIP; the name starting with "Test" matches surefire's default
        // includes, so should surefire ever run this class, it is skipped instead of failing
        Assumptions.assumeTrue(System.getProperty("accountauth.zip") != null,
                "integration test: needs -Daccountauth.zip (the built ZIP), which failsafe sets in 'mvn verify'");
        for (final String client : List.of("mosquitto_sub", "mosquitto_pub")) {
            if (findOnPath(client).isEmpty()) {
                fail(client + " not found on PATH: install the mosquitto clients (Debian/Ubuntu: " +
                        "apt-get install mosquitto-clients; .ci/run does this)");
            }
        }
        broker = TestBroker.start(TestBroker.Settings.forTests(dataDir));
        System.out.println("test broker started in " + broker.lastStartMillis() + " ms");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static Stream<Arguments> transportsAndVersions() {
        final List<Arguments> all = new ArrayList<>();
        for (final Transport transport : Transport.values()) {
            for (final Version version : Version.values()) {
                all.add(Arguments.of(transport, version));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndVersions")
    @Order(1)
    void aDevicesEventReachesTheUserPairedToIt(final Transport transport, final Version version) {
        final DemoAccounts.Device camera = DemoAccounts.CAMERA_1;
        final String payload = "motion " + SEQUENCE.incrementAndGet();
        // over TLS alice also shows the demo client certificate (the listener's client authentication is OPTIONAL)
        final Subscriber alice = Subscriber.start(transport, version, uniqueId("alice"), DemoAccounts.ALICE.email(),
                DemoAccounts.ALICE.password(), camera.allEvents(), transport == Transport.TLS);

        // mosquitto_sub's output is block-buffered in a pipe, so its SUBACK cannot be waited for: the camera
        // publishes until alice has received one message (-C 1) and quit
        final String cameraId = uniqueId("cam1");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (alice.isRunning() && System.nanoTime() < deadline) {
            final Result published = mosquitto("mosquitto_pub", transport, version, cameraId, camera.mac(),
                    camera.password(), false, "-q", "1", "-t", camera.topic("motion"), "-m", payload);
            assertEquals(0, published.exitCode(), published::describe);
            alice.waitFor(Duration.ofMillis(300));
        }

        final Result received = alice.await();
        assertEquals(0, received.exitCode(), received::describe);
        assertTrue(received.stdout().contains(camera.topic("motion") + " " + payload), received::describe);
    }

    @Test
    @Order(2)
    void theDemoDeviceOnTheFastSchemeLogsIn() {
        final DemoAccounts.Device camera = DemoAccounts.FAST_SCHEME_DEVICE;
        final Result published = mosquitto("mosquitto_pub", Transport.PLAIN, Version.V5, uniqueId("cam3"),
                camera.mac(), camera.password(), false, "-q", "1", "-t", camera.topic("motion"), "-m", "fast");
        assertEquals(0, published.exitCode(), published::describe);
    }

    @Test
    @Order(2)
    void theDemoCameraLogsInByItsCertificateOnTheDeviceTlsListener() {
        // the line the banner and docs/CERTIFICATES.md print: no username, no password
        final DemoAccounts.Device camera = DemoAccounts.CAMERA_1;
        final List<String> command = List.of("mosquitto_pub", "-d", "-V", "5", "-h", "localhost", "-p",
                Integer.toString(broker.deviceTlsPort()), "--cafile", broker.caFile().toString(),
                "--cert", broker.deviceCertFile().toString(), "--key", broker.deviceKeyFile().toString(),
                "-i", uniqueId("cam1-cert"), "-q", "1", "-t", camera.topic("motion"), "-m", "by certificate");
        final Result published = Running.start(command).await();
        assertEquals(0, published.exitCode(), published::describe);
        assertTrue(published.stdout().contains("received CONNACK (0)"), published::describe);
        // RC 0 Success, or 16 No matching subscribers: accepted either way
        assertTrue(published.stdout().matches("(?s).*received PUBACK \\(Mid: 1, RC:(0|16)\\).*"),
                published::describe);
        assertTrue(broker.banner().contains(String.join(" ", command.subList(6, 12))), broker::banner);

        // the demo client certificate (CN=demo-client) names no device
        final Result refused = Running.start(List.of("mosquitto_pub", "-d", "-V", "5", "-h", "localhost", "-p",
                Integer.toString(broker.deviceTlsPort()), "--cafile", broker.caFile().toString(),
                "--cert", broker.clientCertFile().toString(), "--key", broker.clientKeyFile().toString(),
                "-i", uniqueId("cam1-cert"), "-q", "1", "-t", camera.topic("motion"), "-m", "x")).await();
        assertTrue(refused.stdout().contains("received CONNACK (134)"), refused::describe);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndVersions")
    @Order(2)
    void aSubscriptionToADeviceThatIsNotPairedToTheUserIsRefused(final Transport transport, final Version version) {
        final DemoAccounts.Device notAlices = DemoAccounts.CAMERA_3;
        final Subscriber alice = Subscriber.start(transport, version, uniqueId("alice"), DemoAccounts.ALICE.email(),
                DemoAccounts.ALICE.password(), notAlices.allEvents(), false);

        final Result result = alice.await();
        assertTrue(result.stderr().contains("All subscription requests were denied."), result::describe);
        // the SUBACK's code: 0x80 Failure with 3.1.1, 0x87 Not authorized with 5
        final String granted = version == Version.V5 ? "135" : "128";
        assertTrue(result.stdout().contains("Subscribed (mid: 1): " + granted), result::describe);
        assertFalse(result.stdout().contains("received PUBLISH"), result::describe);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndVersions")
    @Order(3)
    void aWrongPasswordIsRefusedAtConnect(final Transport transport, final Version version) {
        final Result result = mosquitto("mosquitto_sub", transport, version, uniqueId("alice"),
                DemoAccounts.ALICE.email(), "not-" + DemoAccounts.ALICE.password(), false,
                "-t", DemoAccounts.CAMERA_1.allEvents(), "-C", "1", "-W", "10");
        // the CONNACK code: 4 Bad user name or password (3.1.1), 0x86 = 134 Bad User Name or Password (5)
        assertEquals(version == Version.V5 ? 134 : 4, result.exitCode(), result::describe);
        assertTrue(result.stderr().toLowerCase().contains("bad user name or password"), result::describe);
        assertFalse(result.stdout().contains("received CONNACK (0)"), result::describe);
    }

    @Test
    @Order(4)
    void theWebSocketListenerAuthenticatesToo() {
        final Mqtt5BlockingClient good = webSocketClient("ws-" + uniqueId("cam1"), DemoAccounts.CAMERA_1.mac(),
                DemoAccounts.CAMERA_1.password());
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, good.connect().getReasonCode());
        good.disconnect();

        final Mqtt5BlockingClient bad = webSocketClient("ws-" + uniqueId("cam1"), DemoAccounts.CAMERA_1.mac(),
                "wrong");
        final Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class, bad::connect);
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, refused.getMqttMessage().getReasonCode());
    }

    @Test
    @Order(5)
    void aQos1MessageForAnOfflineUserIsDeliveredAfterABrokerRestart() throws InterruptedException {
        final DemoAccounts.Device camera = DemoAccounts.CAMERA_1;
        final String clientId = uniqueId("alice-tablet");
        final String payload = "queued " + SEQUENCE.incrementAndGet();

        final Mqtt5BlockingClient before = persistentAlice(clientId);
        before.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        before.subscribeWith().topicFilter(camera.allEvents()).qos(MqttQos.AT_LEAST_ONCE).send();
        before.disconnect();

        // alice is offline: the device's event waits in her session
        final Result published = mosquitto("mosquitto_pub", Transport.PLAIN, Version.V5, uniqueId("cam1"),
                camera.mac(), camera.password(), false, "-q", "1", "-t", camera.topic("motion"), "-m", payload);
        assertEquals(0, published.exitCode(), published::describe);

        broker.restart();

        final Mqtt5BlockingClient after = persistentAlice(clientId);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = after.publishes(MqttGlobalPublishFilter.ALL)) {
            final Mqtt5ConnAck connAck = after.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertTrue(connAck.isSessionPresent(), "the session did not survive the restart: " + connAck);
            final Optional<Mqtt5Publish> message = publishes.receive(10, TimeUnit.SECONDS);
            assertTrue(message.isPresent(), "the queued message was not delivered after the restart");
            assertEquals(camera.topic("motion"), message.get().getTopic().toString());
            assertEquals(payload, new String(message.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            assertEquals(MqttQos.AT_LEAST_ONCE, message.get().getQos());
        } finally {
            after.disconnectWith().sessionExpiryInterval(0).send();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static Mqtt5BlockingClient persistentAlice(final String clientId) {
        return Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost(broker.host())
                .serverPort(broker.mqttPort())
                .simpleAuth().username(DemoAccounts.ALICE.email())
                .password(DemoAccounts.ALICE.password().getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
    }

    private static Mqtt5BlockingClient webSocketClient(final String clientId, final String username,
                                                       final String password) {
        return Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost(broker.host())
                .serverPort(broker.websocketPort())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
                .simpleAuth().username(username).password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildBlocking();
    }

    private static String uniqueId(final String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    /** The mosquitto_pub/_sub command line for the broker, with -d so that the protocol steps show. */
    private static List<String> command(final String program, final Transport transport, final Version version,
                                        final String clientId, final String username, final String password,
                                        final boolean clientCertificate, final String... more) {
        final List<String> command = new ArrayList<>(List.of(program, "-d", "-V", version.flag, "-i", clientId,
                "-u", username, "-P", password));
        if (transport == Transport.TLS) {
            // "localhost" is in the server certificate; mosquitto checks it
            command.addAll(List.of("-h", "localhost", "-p", Integer.toString(broker.tlsPort()),
                    "--cafile", broker.caFile().toString()));
            if (clientCertificate) {
                command.addAll(List.of("--cert", broker.clientCertFile().toString(),
                        "--key", broker.clientKeyFile().toString()));
            }
        } else {
            command.addAll(List.of("-h", broker.host(), "-p", Integer.toString(broker.mqttPort())));
        }
        command.addAll(List.of(more));
        return command;
    }

    private static Result mosquitto(final String program, final Transport transport, final Version version,
                                    final String clientId, final String username, final String password,
                                    final boolean clientCertificate, final String... more) {
        final Running running = Running.start(
                command(program, transport, version, clientId, username, password, clientCertificate, more));
        return running.await();
    }

    /** mosquitto_sub waiting for one message (-C 1) for at most 10 s (-W 10). */
    private static final class Subscriber {

        private final Running running;

        private Subscriber(final Running running) {
            this.running = running;
        }

        static Subscriber start(final Transport transport, final Version version, final String clientId,
                                final String username, final String password, final String filter,
                                final boolean clientCertificate) {
            return new Subscriber(Running.start(command("mosquitto_sub", transport, version, clientId, username,
                    password, clientCertificate, "-q", "1", "-t", filter, "-v", "-C", "1", "-W", "10")));
        }

        boolean isRunning() {
            return running.process.isAlive();
        }

        void waitFor(final Duration duration) {
            try {
                running.process.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        Result await() {
            return running.await();
        }
    }

    private record Result(List<String> command, int exitCode, String stdout, String stderr) {

        String describe() {
            return String.join(" ", command) + "\n  exit code " + exitCode + "\n  stdout: " +
                    stdout.strip().replace("\n", "\n          ") + "\n  stderr: " +
                    stderr.strip().replace("\n", "\n          ");
        }
    }

    /** A started process whose output is collected line by line as it comes. */
    private static final class Running {

        private final List<String> command;
        private final Process process;
        private final List<String> stdout = new CopyOnWriteArrayList<>();
        private final List<String> stderr = new CopyOnWriteArrayList<>();
        private final Thread[] readers;

        private Running(final List<String> command, final Process process) {
            this.command = command;
            this.process = process;
            this.readers = new Thread[]{reader(process.getInputStream(), stdout), reader(process.getErrorStream(),
                    stderr)};
        }

        static Running start(final List<String> command) {
            try {
                final Process process = new ProcessBuilder(command).start();
                process.getOutputStream().close();
                return new Running(command, process);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot run " + command.get(0), e);
            }
        }

        private static Thread reader(final java.io.InputStream in, final List<String> lines) {
            final Thread thread = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (final IOException ignored) {
                    // the process ended
                }
            });
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        Result await() {
            try {
                if (!process.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                for (final Thread reader : readers) {
                    reader.join(2000);
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            final int exit = process.isAlive() ? -1 : process.exitValue();
            return new Result(command, exit, String.join("\n", stdout), String.join("\n", stderr));
        }
    }

    private static Optional<Path> findOnPath(final String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (final String dir : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
