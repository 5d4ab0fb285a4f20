package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin CLI as operators run it: the jar from the built ZIP, started with {@code java -jar} (so without the
 * HiveMQ SDK on its class path), against a real MariaDB. {@code explain} must say what the real broker does with a
 * real client for the same principal and topic, allowed and denied.
 */
class AdminCliIT {

    private static final String UID1 = "XRHIU1Z76KFMWXPDWQFM";
    private static final String UID2 = "ZAVIO2Z76KFMWXPDWQ22";
    private static final String UID3 = "ORBWEB3ZZKFMWXPDWQ33";
    private static final String CAM1 = "00:1B:FE:0D:44:21";
    private static final String CAM2 = "00:1B:FE:0D:44:22";
    private static final String CAM4_DISABLED = "00:1B:FE:0D:44:24";
    private static final Map<String, String> PASSWORDS = Map.of(
            "alice@example.com", "alice-pass", "bob@example.com", "bob-pass", "carol@example.com", "carol-pass",
            "backend@example.com", "backend-pass", "erin@example.com", "erin-pass", CAM1, "device-pass",
            CAM2, "device-pass", CAM4_DISABLED, "device-pass", "nobody@example.com", "x");

    private static BrokerWithDatabase env;
    private static MqttClients mqtt;
    private static Path jar;
    private static Path config;
    private static Path work;

    @BeforeAll
    static void start() throws IOException {
        env = BrokerWithDatabase.start(AdminCliIT::seed, xml -> xml);
        mqtt = new MqttClients(env.broker().port());
        work = Files.createTempDirectory("account-auth-cli-it");
        jar = jarFromZip(Path.of(System.getProperty("accountauth.zip")), work);
        config = work.resolve("config.xml");
        Files.writeString(config, EmbeddedBroker.shippedConfigFor(env.db().jdbcUrl(), env.db().appUser(),
                env.db().appPassword()));
        // bob's phone binds its client id through the real broker
        final Mqtt5BlockingClient bob = mqtt.connected5("bobs-phone", "bob@example.com",
                PASSWORDS.get("bob@example.com"));
        bob.disconnect();
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw("device-pass", BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash, enabled) VALUES " +
                        "(1,?,?,'orbweb','ipcam',?,TRUE), (2,?,?,'zavio','ipcam',?,TRUE), " +
                        "(3,'00:1B:FE:0D:44:23',?,'orbweb','ipcam',?,TRUE), (4,?,'DISABLEDCAM000000004','orbweb'," +
                        "'ipcam',?,FALSE)",
                CAM1, UID1, hash, CAM2, UID2, hash, UID3, hash, CAM4_DISABLED, hash);
        long id = 1;
        for (final String email : List.of("alice@example.com", "bob@example.com", "carol@example.com",
                "backend@example.com")) {
            db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES (?,?,?,?,?)", id++,
                    email, BCrypt.hashpw(PASSWORDS.get(email), BCrypt.gensalt(4)),
                    email.startsWith("backend") ? "service" : "user", !email.startsWith("carol"));
        }
        db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1,1,'owner'), (1,2,'viewer'), " +
                "(2,3,'owner'), (3,1,'owner')");
        // erin has no pairing at all (dave, id 5, is made by a test)
        db.execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES (6,?,?,'user',TRUE)",
                "erin@example.com", BCrypt.hashpw(PASSWORDS.get("erin@example.com"), BCrypt.gensalt(4)));
    }

    /** One question: a principal's PUBLISH or SUBSCRIBE, and the client id it connects with (random if null). */
    private record Case(String username, String action, String topic, String clientId, boolean retain) {
        static Case of(final String username, final String action, final String topic) {
            return new Case(username, action, topic, null, false);
        }

        List<String> args() {
            final List<String> args = new ArrayList<>(List.of("explain", username, action, topic));
            if (clientId != null) {
                args.addAll(List.of("--client-id", clientId));
            }
            if (retain) {
                args.add("--retain");
            }
            return args;
        }
    }

    @Test
    void explainSaysWhatTheBrokerDoes() throws Exception {
        final List<Case> cases = List.of(
                Case.of("alice@example.com", "publish", "/orbweb/ipcam/command/" + UID1),            // owner
                Case.of("alice@example.com", "publish", "/orbweb/ipcam/command/" + UID1 + "/zoom"),
                Case.of("alice@example.com", "publish", "/zavio/ipcam/command/" + UID2),             // viewer
                Case.of("alice@example.com", "subscribe", "/zavio/ipcam/+/" + UID2 + "/#"),
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/+/" + UID3),                // no pairing
                Case.of("alice@example.com", "publish", "/orbweb/ipcam/motion/" + UID1),            // users only watch
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/#"),                       // '+' never '#'
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/+/#"),
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/+/" + UID1 + "/"),          // trailing '/'
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/motion/" + UID1 + "/+"),
                Case.of("alice@example.com", "subscribe", "$share/g//orbweb/ipcam/+/" + UID1),      // no sharing
                new Case("alice@example.com", "publish", "/orbweb/ipcam/command/" + UID1, null, true), // no retain
                new Case("alice@example.com", "subscribe", "/orbweb/ipcam/+/" + UID1, "bobs-phone", false),
                Case.of("bob@example.com", "subscribe", "/orbweb/ipcam/+/" + UID3),
                Case.of("carol@example.com", "subscribe", "/orbweb/ipcam/+/" + UID1),               // disabled
                Case.of("backend@example.com", "subscribe", "$share/g//orbweb/#"),                  // service shares
                Case.of("backend@example.com", "subscribe", "$share/g/orbweb/#"),                   // filter 'orbweb/#'
                Case.of("backend@example.com", "publish", "/zavio/ipcam/command/" + UID2),
                Case.of(CAM1, "publish", "/orbweb/ipcam/event/" + UID1 + "/"),                      // trailing '/'
                Case.of(CAM1, "publish", "/orbweb/ipcam/event/" + UID1 + "//"),
                Case.of(CAM1, "publish", "/orbweb/ipcam/event/" + UID3),                            // another device
                Case.of(CAM1, "subscribe", "/orbweb/ipcam/command/" + UID1 + "/#"),
                Case.of(CAM1, "subscribe", "#"),
                Case.of(CAM4_DISABLED, "subscribe", "/orbweb/ipcam/command/DISABLEDCAM000000004"),
                Case.of("nobody@example.com", "subscribe", "/x"),
                // the topic rules of the README, case by case
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/motion/" + UID1),          // paired: watch
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/command/" + UID1 + "/#"),
                Case.of("alice@example.com", "subscribe", "/zavio/ipcam/motion/" + UID2),           // viewer watches
                Case.of("alice@example.com", "publish", "/zavio/ipcam/command/" + UID2 + "/zoom"),  // not commands
                Case.of("alice@example.com", "publish", "/orbweb/ipcam/command/" + UID3),           // another's
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/+/+"),
                Case.of("alice@example.com", "subscribe", "#"),
                Case.of("alice@example.com", "subscribe", "/#"),
                Case.of("alice@example.com", "subscribe", "+/#"),
                Case.of("bob@example.com", "publish", "/orbweb/ipcam/command/" + UID3 + "/reboot"),
                Case.of("bob@example.com", "subscribe", "/orbweb/ipcam/+/" + UID1),                 // alice's camera
                Case.of("carol@example.com", "publish", "/orbweb/ipcam/command/" + UID1),           // disabled
                Case.of("erin@example.com", "subscribe", "/orbweb/ipcam/+/" + UID1),                // unpaired
                Case.of("erin@example.com", "publish", "/orbweb/ipcam/command/" + UID1),
                // the adversarial cases of docs/SECURITY-CASES.md
                Case.of("alice@example.com", "subscribe", "$SYS/#"),                                // $SYS
                Case.of("alice@example.com", "subscribe", "$SYS/broker/clients/connected"),
                Case.of("backend@example.com", "subscribe", "$SYS/#"),                              // not under '/#'
                Case.of("backend@example.com", "subscribe", "#"),                                   // '#' is not '/#'
                Case.of("backend@example.com", "publish", "orbweb/ipcam/command/" + UID1),          // no leading '/'
                Case.of("alice@example.com", "subscribe", "/ORBWEB/ipcam/motion/" + UID1),          // case
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/motion/" + UID1.toLowerCase()),
                Case.of("alice@example.com", "subscribe", "orbweb/ipcam/motion/" + UID1),           // leading '/'
                Case.of("alice@example.com", "subscribe", "//orbweb/ipcam/motion/" + UID1),         // empty levels
                Case.of("alice@example.com", "subscribe", "/orbweb//motion/" + UID1),
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/motion/" + UID1 + "/"),    // under its /#
                Case.of("alice@example.com", "publish", "/orbweb/ipcam/command/" + UID1 + "/zoom/"),
                Case.of("alice@example.com", "publish", "/orbweb/ipcam/command/" + UID1 + "/zoom/\u00fc\u00df"),
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/bewegung-\u00e4/" + UID1),   // UTF-8
                Case.of("alice@example.com", "subscribe", "/orbweb/ipcam/\u00e4/" + UID1 + "\u00e4"),
                Case.of("alice@example.com", "subscribe", "$share/g//orbweb/ipcam/+/" + UID1 + "/#"),
                Case.of("backend@example.com", "subscribe", "$share/g//zavio/ipcam/+/" + UID2),
                new Case("backend@example.com", "publish", "/orbweb/ipcam/command/" + UID1, null, true),
                Case.of(CAM1, "publish", "/orbweb/ipcam/event/" + UID1 + "/snapshot"),
                Case.of(CAM1, "subscribe", "/orbweb/ipcam/+/" + UID1),
                Case.of(CAM1, "publish", "/zavio/ipcam/event/" + UID1),                             // other vendor
                Case.of(CAM1, "subscribe", "/zavio/ipcam/+/" + UID2),                               // other device
                Case.of(CAM1, "subscribe", "$share/g//orbweb/ipcam/command/" + UID1),              // no sharing
                new Case(CAM1, "publish", "/orbweb/ipcam/event/" + UID1, null, true),              // no retain
                new Case(CAM1, "subscribe", "/orbweb/ipcam/+/" + UID1, "bobs-phone", false),        // bob's id
                Case.of(CAM2, "publish", "/zavio/ipcam/event/" + UID2),
                Case.of(CAM2, "publish", "/orbweb/ipcam/event/" + UID2),                            // its vendor
                new Case(CAM2, "subscribe", "/zavio/ipcam/+/" + UID2, CAM1, false),                 // CAM1's MAC
                new Case("alice@example.com", "subscribe", "/orbweb/ipcam/+/" + UID1, UID1, false)); // a uid
        final List<String> disagreements = new ArrayList<>();
        int allowed = 0;
        for (final Case c : cases) {
            final String broker = brokerAnswer(c);
            final Result cli = cli(c.args(), null);
            final String verdict = cli.out().lines().findFirst().orElse("");
            final String expectedStart = broker.equals("allowed") ? "allowed: " :
                    broker.equals("denied at CONNECT") ? "denied at CONNECT: " : "denied: ";
            final int expectedExit = broker.equals("allowed") ? 0 : 1;
            if (!verdict.startsWith(expectedStart) || cli.exit() != expectedExit) {
                disagreements.add(c + ": broker " + broker + ", CLI exit " + cli.exit() + " " + verdict + cli.err());
            }
            allowed += broker.equals("allowed") ? 1 : 0;
        }
        assertEquals(List.of(), disagreements);
        assertTrue(allowed >= 8 && allowed <= cases.size() - 8, "allowed " + allowed + " of " + cases.size());
    }

    @Test
    void explainNamesThePairingAndTheTemplate() throws Exception {
        final Result result = cli(List.of("explain", "alice@example.com", "publish",
                "/orbweb/ipcam/command/" + UID1 + "/zoom"), null);
        assertEquals(0, result.exit(), result.err());
        assertEquals("allowed: alice@example.com owns device " + UID1 + " (pairing owner), " +
                "<permissions>/<owned-device> template /${{vendor}}/${{model}}/command/${{uid}}/#",
                result.out().lines().findFirst().orElse(""));
    }

    @Test
    void checkConfigRunsEveryStatementAgainstTheDb() throws Exception {
        final Result good = cli(List.of("check-config"), null);
        assertEquals(0, good.exit(), good.out() + good.err());
        assertTrue(good.out().contains("valid;"), good.out());

        final Path broken = work.resolve("broken.xml");
        Files.writeString(broken, Files.readString(config)
                .replace("<device-by-id>SELECT id, mac, uid,", "<device-by-id>SELECT id, mac AS address, uid,")
                .replace("FROM pairings p JOIN accounts a", "FROM pairing p JOIN accounts a"));
        final Result bad = cli(List.of("check-config", "--config", broken.toString()), null);
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        final List<String> lines = bad.out().lines().toList();
        assertEquals(2, lines.size(), bad.out());
        assertTrue(lines.get(0).contains("<queries>/<device-by-id>: returns no column mac"), lines.get(0));
        assertTrue(lines.get(1).contains("<queries>/<accounts-paired-to-device>:") &&
                lines.get(1).contains("pairing"), lines.get(1));
    }

    @Test
    void listShowsPairingsAndBoundClientIds() throws Exception {
        final Result bob = cli(List.of("list", "bob@example.com"), null);
        assertEquals(0, bob.exit(), bob.err());
        assertTrue(bob.out().contains("  " + UID3 + " (id 3, orbweb/ipcam): owner"), bob.out());
        assertTrue(bob.out().contains("client ids: ") && bob.out().contains("bobs-phone"), bob.out());
        final Result cam = cli(List.of("list", CAM1), null);
        assertEquals(0, cam.exit(), cam.err());
        assertTrue(cam.out().contains("  alice@example.com (id 1): owner"), cam.out());
        assertTrue(cam.out().contains("  carol@example.com (id 3): owner, account disabled"), cam.out());
    }

    @Test
    void hashPasswordGivesAHashTheBrokerAccepts() throws Exception {
        final Result hashed = cli(List.of("hash-password", "--cost", "5"), "n3w-Passw0rd\n");
        assertEquals(0, hashed.exit(), hashed.err());
        // a new account: nothing of it is cached yet
        env.db().execute("INSERT INTO accounts (id, email, password_hash, role, enabled) VALUES " +
                "(5, 'dave@example.com', ?, 'user', TRUE)", hashed.out().strip());
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("dave@example.com", "n3w-Passw0rd"));
    }

    @Test
    void aDbThatIsDownIsOneLineAndExitCode4() throws Exception {
        final Path unreachable = work.resolve("unreachable.xml");
        Files.writeString(unreachable, EmbeddedBroker.shippedConfigFor("jdbc:mysql://127.0.0.1:" +
                HiveMqLauncher.freePort() + "/accounts", env.db().appUser(), env.db().appPassword()));
        final Result result = cli(List.of("list", "bob@example.com", "--config", unreachable.toString()), null);
        assertEquals(4, result.exit(), result.out() + result.err());
        final List<String> lines = result.err().lines().toList();
        assertEquals(1, lines.size(), result.err());
        assertTrue(lines.get(0).startsWith("error: account DB unavailable: "), lines.get(0));
    }

    /** "allowed", "denied" or "denied at CONNECT": what the broker did with a real MQTT 5 client. */
    private static String brokerAnswer(final Case c) {
        final Mqtt5BlockingClient client = mqtt.v5(c.clientId() == null ? MqttClients.newId() : c.clientId());
        final Mqtt5ConnAckReasonCode connack = mqtt.connect5(client, c.username(),
                MqttClients.bytes(PASSWORDS.get(c.username())));
        if (connack != Mqtt5ConnAckReasonCode.SUCCESS) {
            return "denied at CONNECT";
        }
        try {
            if (c.action().equals("subscribe")) {
                try {
                    client.subscribeWith().topicFilter(c.topic()).qos(MqttQos.AT_LEAST_ONCE).send();
                    return "allowed";
                } catch (final Mqtt5SubAckException e) {
                    assertEquals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED), e.getMqttMessage().getReasonCodes(),
                            c.toString());
                    return "denied";
                }
            }
            try {
                client.publishWith().topic(c.topic()).qos(MqttQos.AT_LEAST_ONCE).retain(c.retain())
                        .payload("x".getBytes(StandardCharsets.UTF_8)).send();
                return "allowed";
            } catch (final Mqtt5PubAckException e) {
                assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, e.getMqttMessage().getReasonCode(), c.toString());
                return "denied";
            }
        } finally {
            try {
                client.disconnect();
            } catch (final MqttClientStateException e) {
                // a refused retained PUBLISH makes HiveMQ close the connection itself
            }
        }
    }

    private record Result(int exit, String out, String err) {
    }

    /** {@code java -jar} of the jar from the ZIP, as an operator runs it. */
    private static Result cli(final List<String> args, final String stdin) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(args);
        if (!args.contains("--config")) {
            command.addAll(List.of("--config", config.toString()));
        }
        final ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ACCOUNT_AUTH_"));
        // the UTF-8 topics must reach the CLI as they are, whatever the machine's locale
        builder.environment().put("LC_ALL", "C.UTF-8");
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        final Process process = builder.start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not end within 60 s: " + args);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path jarFromZip(final Path zip, final Path into) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            final ZipEntry entry = file.stream().filter(e -> e.getName().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no jar in " + zip));
            final Path target = into.resolve(Path.of(entry.getName()).getFileName());
            try (InputStream in = file.getInputStream(entry)) {
                Files.copy(in, target);
            }
            return target;
        }
    }
}
