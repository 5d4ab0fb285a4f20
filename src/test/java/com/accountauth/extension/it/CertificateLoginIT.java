package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.accountauth.extension.testsupport.LogCapture;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.accountauth.extension.testsupport.TestPki;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device login by client certificate end to end: the real broker with three TLS listeners whose client
 * authentication is OPTIONAL (so that a client without a certificate reaches the extension and hears why), one per
 * mode, the private MariaDB, and Debian's mosquitto_pub with {@code --cert --key --cafile}. Certificates come from a
 * private CA in the listeners' truststore; one from another CA shows that HiveMQ checks the chain.
 */
class CertificateLoginIT {

    private static final String TLS_PASSWORD = "it-tls-pass";
    private static final String CAM_PASSWORD = "cam1-pass";
    private static final String ALICE_PASSWORD = "alice-pass";
    private static final String CAM_TOPIC = "/orbweb/ipcam/motion/CAMUID1";
    private static final Pattern CONNACK = Pattern.compile("received CONNACK \\((\\d+)\\)");

    private static Path folder;
    private static BrokerWithDatabase env;
    private static MqttClients mqtt;
    private static int certificatePort;
    private static int bothPort;
    private static int passwordPort;

    @BeforeAll
    static void start() throws IOException {
        folder = Files.createTempDirectory("certificate-login-it");
        final TestPki pki = TestPki.create("certificate-login-it CA");
        pki.server().writeKeystore(folder.resolve("server.p12"), TLS_PASSWORD);
        pki.writeTruststore(folder.resolve("truststore.p12"), TLS_PASSWORD);
        pki.writeCaPem(folder.resolve("ca.pem"));
        pki.client("CN=00:1B:FE:0D:44:21").writePem(folder, "cam1");
        pki.client("CN=00:1B:FE:0D:44:22").writePem(folder, "cam2");
        pki.client("CN=00:1B:FE:0D:44:99").writePem(folder, "unknown");
        pki.client("CN=00:1B:FE:0D:44:23").writePem(folder, "disabled");
        pki.client("CN=alice@example.com").writePem(folder, "alice");
        TestPki.create("another CA").client("CN=00:1B:FE:0D:44:21").writePem(folder, "foreign");

        certificatePort = HiveMqLauncher.freePort();
        bothPort = HiveMqLauncher.freePort();
        passwordPort = HiveMqLauncher.freePort();
        final String listeners = tlsListener("devices-tls", certificatePort) + tlsListener("devices-tls-pw", bothPort) +
                tlsListener("mqtt-tls", passwordPort);
        env = BrokerWithDatabase.start(CertificateLoginIT::seed, xml -> xml.replace(
                "<poll-interval-millis>2000<", "<poll-interval-millis>200<").replace("</account-auth>", """
                <certificate-logins>
                    <listener><name>devices-tls</name><mode>certificate</mode></listener>
                    <listener><name>devices-tls-pw</name><mode>certificate-and-password</mode></listener>
                </certificate-logins>
                </account-auth>"""), listeners);
        mqtt = new MqttClients(env.broker().port());
    }

    private static String tlsListener(final String name, final int port) {
        return """
                <tls-tcp-listener>
                    <port>%d</port>
                    <bind-address>127.0.0.1</bind-address>
                    <name>%s</name>
                    <tls>
                        <keystore>
                            <path>%s</path><password>%s</password><private-key-password>%s</private-key-password>
                        </keystore>
                        <truststore><path>%s</path><password>%s</password></truststore>
                        <client-authentication-mode>OPTIONAL</client-authentication-mode>
                    </tls>
                </tls-tcp-listener>
                """.formatted(port, name, folder.resolve("server.p12"), TLS_PASSWORD, TLS_PASSWORD,
                folder.resolve("truststore.p12"), TLS_PASSWORD);
    }

    private static void seed(final MariaDbServer db) {
        final String cam = BCrypt.hashpw(CAM_PASSWORD, BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES " +
                "(1, '00:1B:FE:0D:44:21', 'CAMUID1', 'orbweb', 'ipcam', ?, TRUE), " +
                "(2, '00:1B:FE:0D:44:22', 'CAMUID2', 'orbweb', 'ipcam', ?, TRUE), " +
                "(3, '00:1B:FE:0D:44:23', 'CAMUID3', 'orbweb', 'ipcam', ?, FALSE)", cam, cam, cam);
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES " +
                "(1, 'alice@example.com', ?, 'user', TRUE)", BCrypt.hashpw(ALICE_PASSWORD, BCrypt.gensalt(4)));
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner')");
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void theRightCertificateLogsInAndPublishesToItsOwnTopic() throws Exception {
        final Mqtt5BlockingClient alice = mqtt.connected5(MqttClients.newId(), "alice@example.com", ALICE_PASSWORD);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = alice.publishes(MqttGlobalPublishFilter.ALL);
             LogCapture audit = new LogCapture("account-auth.audit")) {
            alice.subscribeWith().topicFilter("/orbweb/ipcam/+/CAMUID1").qos(MqttQos.AT_LEAST_ONCE).send();
            final Run published = mosquittoPub(certificatePort, "cam1", "cam-cert-1", null, null, CAM_TOPIC,
                    "motion by certificate");
            assertEquals(Optional.of(0), published.connack(), published::describe);
            assertEquals(0, published.exit(), published::describe);
            final Optional<Mqtt5Publish> received = publishes.receive(10, TimeUnit.SECONDS);
            assertTrue(received.isPresent(), "alice received nothing");
            assertEquals(CAM_TOPIC, received.get().getTopic().toString());
            assertEquals("motion by certificate",
                    new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            assertTrue(audit.lines().stream().anyMatch(line -> line.startsWith("INFO CONNECT allowed " +
                    "client='cam-cert-1' principal=device '00:1B:FE:0D:44:21' (id 1)") &&
                    line.contains("listener='devices-tls' method=certificate ")), audit.lines().toString());
        } finally {
            alice.disconnect();
        }
    }

    @Test
    void theCertificatesDeviceMayNotPublishToAnotherDevicesTopic() {
        final Run published = mosquittoPub(certificatePort, "cam1", MqttClients.newId(), null, null,
                "/orbweb/ipcam/motion/CAMUID2", "not mine");
        assertEquals(Optional.of(0), published.connack(), published::describe);
        // HiveMQ answers the QoS 1 PUBLISH with PUBACK 0x87 Not authorized
        assertTrue(published.output().contains("received PUBACK (Mid: 1, RC:135)"), published::describe);
    }

    @Test
    void aPasswordChangeEndsACertificateAndPasswordLoginButNotACertificateOne() throws Exception {
        final String byCertificate = MqttClients.newId();
        final String withPassword = MqttClients.newId();
        try (LogCapture audit = new LogCapture("account-auth.audit")) {
            final Process certificateOnly = mosquittoSub(certificatePort, "cam2", byCertificate, null, null);
            final Process both = mosquittoSub(bothPort, "cam2", withPassword, "00:1B:FE:0D:44:22", CAM_PASSWORD);
            try {
                awaitLine(audit, "INFO CONNECT allowed client='" + byCertificate + "'");
                awaitLine(audit, "INFO CONNECT allowed client='" + withPassword + "'");
                env.db().execute("UPDATE devices SET password_hash = ? WHERE id = 2",
                        BCrypt.hashpw("cam2-new-pass", BCrypt.gensalt(4)));
                assertTrue(both.waitFor(15, TimeUnit.SECONDS), "the certificate-and-password client stayed");
                awaitLine(audit, "INFO CHANGE disconnect client='" + withPassword + "' principal=device " +
                        "'00:1B:FE:0D:44:22' (id 2) code=ADMINISTRATIVE_ACTION");
                // one more poll or two: the certificate-only client is still there
                Thread.sleep(1000);
                assertTrue(certificateOnly.isAlive(), "the certificate-only client was disconnected");
                assertTrue(audit.lines().stream().noneMatch(line -> line.contains("CHANGE disconnect client='" +
                        byCertificate + "'")), audit.lines().toString());
            } finally {
                certificateOnly.destroy();
                both.destroy();
            }
        }
    }

    @Test
    void aCertificateOfAnUnknownMacIsRefused() {
        assertConnack(134, mosquittoPub(certificatePort, "unknown", MqttClients.newId(), null, null, CAM_TOPIC, "x"));
    }

    @Test
    void aDisabledDevicesCertificateIsRefused() {
        assertConnack(135, mosquittoPub(certificatePort, "disabled", MqttClients.newId(), null, null, CAM_TOPIC,
                "x"));
    }

    @Test
    void aCertificateWhoseCommonNameIsAUsersEmailIsRefused() {
        assertConnack(134, mosquittoPub(certificatePort, "alice", MqttClients.newId(), null, null,
                "/orbweb/ipcam/command/CAMUID1", "x"));
        assertConnack(134, mosquittoPub(bothPort, "alice", MqttClients.newId(), "alice@example.com", ALICE_PASSWORD,
                "/orbweb/ipcam/command/CAMUID1", "x"));
    }

    @Test
    void noCertificateOnACertificateListenerIsRefused() {
        assertConnack(135, mosquittoPub(certificatePort, null, MqttClients.newId(), "00:1B:FE:0D:44:21",
                CAM_PASSWORD, CAM_TOPIC, "x"));
    }

    @Test
    void aUsernameOfAnotherDeviceIsRefused() {
        assertConnack(134, mosquittoPub(certificatePort, "cam1", MqttClients.newId(), "00:1B:FE:0D:44:22", null,
                CAM_TOPIC, "x"));
    }

    @Test
    void certificateAndPasswordNeedsTheDevicesPassword() {
        assertConnack(0, mosquittoPub(bothPort, "cam1", MqttClients.newId(), "00:1B:FE:0D:44:21", CAM_PASSWORD,
                CAM_TOPIC, "both"));
        assertConnack(134, mosquittoPub(bothPort, "cam1", MqttClients.newId(), "00:1B:FE:0D:44:21", "wrong-pass",
                CAM_TOPIC, "x"));
        assertConnack(134, mosquittoPub(bothPort, "cam1", MqttClients.newId(), null, null, CAM_TOPIC, "x"));
    }

    @Test
    void aPasswordListenerIgnoresACertificate() {
        // the device's certificate alone is nothing there; alice's password with it is alice
        assertConnack(134, mosquittoPub(passwordPort, "cam1", MqttClients.newId(), null, null, CAM_TOPIC, "x"));
        assertConnack(0, mosquittoPub(passwordPort, "cam1", MqttClients.newId(), "alice@example.com",
                ALICE_PASSWORD, "/orbweb/ipcam/command/CAMUID1", "reboot"));
    }

    @Test
    void aCertificateOfAnotherCaFailsTheTlsHandshake() {
        final Run run = mosquittoPub(certificatePort, "foreign", MqttClients.newId(), null, null, CAM_TOPIC, "x");
        assertEquals(Optional.empty(), run.connack(), run::describe);
        assertNotEquals(0, run.exit(), run::describe);
    }

    private static void awaitLine(final LogCapture audit, final String prefix) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (audit.lines().stream().noneMatch(line -> line.startsWith(prefix))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no audit line " + prefix + " in " + audit.lines());
            }
            Thread.sleep(50);
        }
    }

    /** A mosquitto_sub that stays connected (up to 60 s) on the device's own command topic. */
    private static Process mosquittoSub(final int port, final String certificate, final String clientId,
                                        final String username, final String password) throws IOException {
        final List<String> command = new ArrayList<>(List.of("mosquitto_sub", "-V", "5", "-h", "localhost",
                "-p", Integer.toString(port), "--cafile", folder.resolve("ca.pem").toString(), "-i", clientId,
                "--cert", folder.resolve(certificate + ".pem").toString(),
                "--key", folder.resolve(certificate + ".key").toString(),
                "-t", "/orbweb/ipcam/command/CAMUID2", "-W", "60"));
        if (username != null) {
            command.addAll(List.of("-u", username, "-P", password));
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void assertConnack(final int code, final Run run) {
        assertEquals(Optional.of(code), run.connack(), run::describe);
        if (code == 0) {
            assertEquals(0, run.exit(), run::describe);
        } else {
            assertNotEquals(0, run.exit(), run::describe);
        }
    }

    /** mosquitto_pub over TLS (MQTT 5, QoS 1, -d to show the CONNACK), with the named certificate if any. */
    private static Run mosquittoPub(final int port, final String certificate, final String clientId,
                                    final String username, final String password, final String topic,
                                    final String message) {
        final List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-d", "-V", "5", "-h", "localhost",
                "-p", Integer.toString(port), "--cafile", folder.resolve("ca.pem").toString(), "-i", clientId,
                "-q", "1", "-t", topic, "-m", message));
        if (certificate != null) {
            command.addAll(List.of("--cert", folder.resolve(certificate + ".pem").toString(),
                    "--key", folder.resolve(certificate + ".key").toString()));
        }
        if (username != null) {
            command.addAll(List.of("-u", username));
        }
        if (password != null) {
            command.addAll(List.of("-P", password));
        }
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(String.join(" ", command), process.isAlive() ? -1 : process.exitValue(), output);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot run mosquitto_pub (Debian: apt-get install mosquitto-clients)",
                    e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Run(String command, int exit, String output) {

        Optional<Integer> connack() {
            final Matcher matcher = CONNACK.matcher(output);
            return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
        }

        String describe() {
            return command + "\n  exit " + exit + "\n  " + output.strip().replace("\n", "\n  ");
        }
    }
}
