package com.accountauth.extension.testbroker;

import com.accountauth.extension.testsupport.Folders;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The account-auth test broker: HiveMQ CE (embedded, in this JVM) with the built extension ZIP unpacked into its
 * extensions folder as an operator installs it, TLS material made on first start, and an account DB with demo rows.
 * <p>
 * Started by {@code test-broker/run.sh} through {@link #main}, and by tests through {@link #start(Settings)}:
 * <pre>{@code
 * try (TestBroker broker = TestBroker.start(TestBroker.Settings.forTests(tempDir))) {
 *     // broker.mqttPort(), broker.tlsPort(), broker.caFile(), DemoAccounts.ALICE ...
 *     broker.restart(); // same ports and data: persistent sessions survive
 * }
 * }</pre>
 * Layout of the data folder (default test-broker/data/):
 * <pre>
 * tls/     ca.pem, server.p12, truststore.p12, client.pem, client.key, client.p12 (kept by --fresh)
 * db/      accounts.mv.db: the H2 account DB (default mode only)
 * hivemq/  conf/ (config.xml made from test-broker/conf/config.xml, logback.xml), extensions/account-auth/,
 *          data/ (sessions, queued and retained messages)
 * </pre>
 */
public final class TestBroker implements AutoCloseable {

    /** The password of every keystore the launcher makes (written into the rendered HiveMQ config). */
    public static final String TLS_PASSWORD = "test-broker";
    /** The TLS listener of password logins (its client certificate, if any, is not looked at). */
    public static final String TLS_LISTENER = "mqtt-tls";
    /** The TLS listener where devices log in by client certificate alone (account-auth mode certificate). */
    public static final String DEVICE_TLS_LISTENER = "mqtt-device-tls";

    private static final String EXTENSION_ID = HiveMqLauncher.EXTENSION_ID;

    /** A MySQL/MariaDB the extension uses instead of the embedded H2 DB. */
    public record ExternalDatabase(String jdbcUrl, String user, String password) {

        static final String URL_VARIABLE = "ACCOUNT_AUTH_JDBC_URL";
        static final String USER_VARIABLE = "ACCOUNT_AUTH_DB_USER";
        static final String PASSWORD_VARIABLE = "ACCOUNT_AUTH_DB_PASSWORD";

        /** The DB named by ACCOUNT_AUTH_JDBC_URL / _DB_USER / _DB_PASSWORD, the variables the shipped config reads. */
        static Optional<ExternalDatabase> fromEnvironment(final Map<String, String> env) {
            final String url = env.get(URL_VARIABLE);
            if (url == null || url.isBlank()) {
                return Optional.empty();
            }
            final String user = env.get(USER_VARIABLE);
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException(URL_VARIABLE + " is set, so " + USER_VARIABLE + " must be too");
            }
            return Optional.of(new ExternalDatabase(url, user, env.getOrDefault(PASSWORD_VARIABLE, "")));
        }

        @Override
        public String toString() {
            return jdbcUrl + " (user " + user + ")";
        }
    }

    /**
     * What to start.
     *
     * @param projectDir       the account-auth project (for conf/schema.sql and test-broker/conf/config.xml)
     * @param extensionZip     the built extension ZIP
     * @param dataDir          everything the broker writes
     * @param bindAddress      where the three listeners listen
     * @param mqttPort         plain MQTT
     * @param tlsPort          MQTT over TLS (password logins; a client certificate is optional and not looked at)
     * @param deviceTlsPort    MQTT over TLS for devices that log in by client certificate
     * @param websocketPort    MQTT over WebSockets (path /mqtt)
     * @param fresh            forget the DB and the broker's sessions and messages on the first start (TLS files stay)
     * @param externalDatabase the DB from ACCOUNT_AUTH_JDBC_URL & co, or empty for the embedded H2 DB
     * @param seed             with an external DB: create the tables if missing and insert the missing demo rows
     */
    public record Settings(Path projectDir, Path extensionZip, Path dataDir, String bindAddress, int mqttPort,
                           int tlsPort, int deviceTlsPort, int websocketPort, boolean fresh,
                           Optional<ExternalDatabase> externalDatabase, boolean seed) {

        /** Ports 1883 / 8883 / 8884 / 8000 on 127.0.0.1, data in test-broker/data, the embedded DB. */
        public static Settings defaults() {
            final Path project = defaultProjectDir();
            return new Settings(project, null, project.resolve("test-broker/data"), "127.0.0.1", 1883, 8883, 8884,
                    8000, false, Optional.empty(), false);
        }

        /** Free ports on 127.0.0.1, the embedded DB, data in {@code dataDir}. */
        public static Settings forTests(final Path dataDir) {
            return defaults().withDataDir(dataDir).withPorts(0, 0, 0).withDeviceTlsPort(0);
        }

        /** The ZIP to install: the one given, else -Daccountauth.zip, else the newest target/account-auth-*.zip. */
        public Path resolvedExtensionZip() {
            if (extensionZip != null) {
                return extensionZip;
            }
            final String property = System.getProperty("accountauth.zip");
            if (property != null && !property.isBlank()) {
                return Path.of(property);
            }
            try (Stream<Path> files = Files.list(projectDir.resolve("target"))) {
                return files.filter(p -> p.getFileName().toString().matches(EXTENSION_ID + "-.*\\.zip"))
                        .max(Comparator.comparing(TestBroker::lastModified))
                        .orElse(projectDir.resolve("target/" + EXTENSION_ID + ".zip"));
            } catch (final IOException e) {
                return projectDir.resolve("target/" + EXTENSION_ID + ".zip");
            }
        }

        public Settings withProjectDir(final Path dir) {
            return new Settings(dir, extensionZip, dataDir, bindAddress, mqttPort, tlsPort, deviceTlsPort,
                    websocketPort, fresh, externalDatabase, seed);
        }

        public Settings withExtensionZip(final Path zip) {
            return new Settings(projectDir, zip, dataDir, bindAddress, mqttPort, tlsPort, deviceTlsPort,
                    websocketPort, fresh, externalDatabase, seed);
        }

        public Settings withDataDir(final Path dir) {
            return new Settings(projectDir, extensionZip, dir, bindAddress, mqttPort, tlsPort, deviceTlsPort,
                    websocketPort, fresh, externalDatabase, seed);
        }

        public Settings withBindAddress(final String address) {
            return new Settings(projectDir, extensionZip, dataDir, address, mqttPort, tlsPort, deviceTlsPort,
                    websocketPort, fresh, externalDatabase, seed);
        }

        /** 0 picks a free port. */
        public Settings withPorts(final int mqtt, final int tls, final int websocket) {
            return new Settings(projectDir, extensionZip, dataDir, bindAddress, mqtt, tls, deviceTlsPort, websocket,
                    fresh, externalDatabase, seed);
        }

        /** 0 picks a free port. */
        public Settings withDeviceTlsPort(final int port) {
            return new Settings(projectDir, extensionZip, dataDir, bindAddress, mqttPort, tlsPort, port,
                    websocketPort, fresh, externalDatabase, seed);
        }

        public Settings withFresh(final boolean value) {
            return new Settings(projectDir, extensionZip, dataDir, bindAddress, mqttPort, tlsPort, deviceTlsPort,
                    websocketPort, value, externalDatabase, seed);
        }

        public Settings withExternalDatabase(final Optional<ExternalDatabase> database, final boolean seedIt) {
            return new Settings(projectDir, extensionZip, dataDir, bindAddress, mqttPort, tlsPort, deviceTlsPort,
                    websocketPort, fresh, database, seedIt);
        }

        private static Path defaultProjectDir() {
            final String property = System.getProperty("accountauth.basedir");
            return Path.of(property == null || property.isBlank() ? "." : property).toAbsolutePath().normalize();
        }
    }

    private final Settings settings;
    private final int mqttPort;
    private final int tlsPort;
    private final int deviceTlsPort;
    private final int websocketPort;
    private final TlsMaterial tls;
    private final Path hivemqDir;
    private final Path dbDir;

    private HiveMqLauncher hivemq; // guarded by this
    private boolean freshDone; // guarded by this
    private long lastStartMillis; // guarded by this

    private TestBroker(final Settings settings) {
        this.settings = settings;
        this.mqttPort = settings.mqttPort() == 0 ? HiveMqLauncher.freePort() : settings.mqttPort();
        this.tlsPort = settings.tlsPort() == 0 ? HiveMqLauncher.freePort() : settings.tlsPort();
        this.deviceTlsPort = settings.deviceTlsPort() == 0 ? HiveMqLauncher.freePort() : settings.deviceTlsPort();
        this.websocketPort = settings.websocketPort() == 0 ? HiveMqLauncher.freePort() : settings.websocketPort();
        final Path data = settings.dataDir().toAbsolutePath().normalize();
        this.tls = new TlsMaterial(data.resolve("tls"), TLS_PASSWORD);
        this.hivemqDir = data.resolve("hivemq");
        this.dbDir = data.resolve("db");
    }

    /** Starts a test broker; {@link #close()} stops it. */
    public static TestBroker start(final Settings settings) {
        final TestBroker broker = new TestBroker(settings);
        broker.start();
        return broker;
    }

    /** Prepares the data folder and starts HiveMQ; returns once it listens and account-auth answers. */
    public synchronized void start() {
        if (hivemq != null) {
            return;
        }
        final long begin = System.nanoTime();
        if (settings.fresh() && !freshDone) {
            Folders.delete(hivemqDir);
            Folders.delete(dbDir);
        }
        freshDone = true;
        long step = System.nanoTime();
        if (tls.ensure()) {
            System.out.println("test broker: made the CA, server and client certificates in " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - step) + " ms");
        }
        step = System.nanoTime();
        if (prepareDatabase()) {
            System.out.println("test broker: created and seeded the account DB in " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - step) + " ms");
        }
        final Path conf = hivemqDir.resolve("conf");
        final Path extensions = hivemqDir.resolve("extensions");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(extensions);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        writeBrokerConfig(conf.resolve("config.xml"));
        // a logback.xml already there (e.g. a benchmark's) is kept
        copyIfAbsent(settings.projectDir().resolve("test-broker/conf/logback.xml"), conf.resolve("logback.xml"));
        installExtension(extensions);

        // fails closed: an extension that did not start shows as refused logins
        hivemq = HiveMqLauncher.start(conf, hivemqDir.resolve("data"), extensions);
        if (settings.externalDatabase().isEmpty() || settings.seed()) {
            try {
                selfCheck();
            } catch (final RuntimeException e) {
                stop();
                throw e;
            }
        }
        lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    }

    /** Stops HiveMQ (sessions and queued messages stay in the data folder). Does nothing when stopped. */
    public synchronized void stop() {
        if (hivemq == null) {
            return;
        }
        try {
            hivemq.stop();
        } finally {
            hivemq = null;
        }
    }

    /** Stops and starts again on the same ports and data folder. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    public int mqttPort() {
        return mqttPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The TLS listener where devices log in by client certificate ({@value #DEVICE_TLS_LISTENER}). */
    public int deviceTlsPort() {
        return deviceTlsPort;
    }

    public int websocketPort() {
        return websocketPort;
    }

    /** The host name clients should use: it is in the server certificate. */
    public String host() {
        return "localhost".equals(settings.bindAddress()) || "0.0.0.0".equals(settings.bindAddress()) ||
                "::".equals(settings.bindAddress()) ? "127.0.0.1" : settings.bindAddress();
    }

    /** The CA that signed the server's and the demo client's certificates ({@code --cafile}). */
    public Path caFile() {
        return tls.caFile();
    }

    /** The demo client certificate, PEM ({@code --cert}). */
    public Path clientCertFile() {
        return tls.clientCertFile();
    }

    /** The demo client key, PKCS#8 PEM ({@code --key}). */
    public Path clientKeyFile() {
        return tls.clientKeyFile();
    }

    /** The demo camera's device certificate (CN = its MAC), PEM, for the device TLS listener. */
    public Path deviceCertFile() {
        return tls.deviceCertFile();
    }

    /** The demo camera's device key, PKCS#8 PEM. */
    public Path deviceKeyFile() {
        return tls.deviceKeyFile();
    }

    /** The demo client key and certificate as PKCS#12, password {@link #TLS_PASSWORD}. */
    public Path clientKeystore() {
        return tls.clientKeystore();
    }

    public Path dataDir() {
        return settings.dataDir().toAbsolutePath().normalize();
    }

    /** The JDBC URL the extension uses. */
    public String jdbcUrl() {
        return settings.externalDatabase().map(ExternalDatabase::jdbcUrl).orElse(DemoDatabase.h2Url(dbDir));
    }

    /** How long the last start took, in milliseconds (including TLS and DB set-up). */
    public synchronized long lastStartMillis() {
        return lastStartMillis;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** @return whether it created or seeded a DB */
    private boolean prepareDatabase() {
        final Path schema = settings.projectDir().resolve("conf/schema.sql");
        if (settings.externalDatabase().isPresent()) {
            if (settings.seed()) {
                final ExternalDatabase db = settings.externalDatabase().get();
                DemoDatabase.seedExternal(db.jdbcUrl(), db.user(), db.password(), schema);
                return true;
            }
            return false;
        }
        return DemoDatabase.prepareH2(dbDir, schema);
    }

    /** test-broker/conf/config.xml with the ports, bind address and the generated keystores filled in. */
    private void writeBrokerConfig(final Path target) {
        final Path template = settings.projectDir().resolve("test-broker/conf/config.xml");
        if (!Files.isRegularFile(template)) {
            throw new IllegalStateException("HiveMQ config not found: " + template);
        }
        final Document document = XmlFiles.read(template);
        final Element listeners = XmlFiles.child(document.getDocumentElement(), "listeners");
        configureListener(listeners, "tcp-listener", mqttPort);
        configureListener(listeners, "tls-tcp-listener", TLS_LISTENER, tlsPort);
        configureListener(listeners, "tls-tcp-listener", DEVICE_TLS_LISTENER, deviceTlsPort);
        configureListener(listeners, "websocket-listener", websocketPort);
        for (final Element listener : XmlFiles.children(listeners, "tls-tcp-listener")) {
            final Element tlsElement = XmlFiles.child(listener, "tls");
            final Element keystore = XmlFiles.child(tlsElement, "keystore");
            XmlFiles.setText(keystore, "path", tls.serverKeystore().toString());
            XmlFiles.setText(keystore, "password", TLS_PASSWORD);
            XmlFiles.setText(keystore, "private-key-password", TLS_PASSWORD);
            final Element truststore = XmlFiles.child(tlsElement, "truststore");
            XmlFiles.setText(truststore, "path", tls.truststore().toString());
            XmlFiles.setText(truststore, "password", TLS_PASSWORD);
        }
        XmlFiles.write(document, target);
    }

    private void configureListener(final Element listeners, final String kind, final int port) {
        configureListener(listeners, kind, null, port);
    }

    /** Sets the port of every {@code <kind>}, or of the one named {@code name} when not null. */
    private void configureListener(final Element listeners, final String kind, final String name, final int port) {
        final List<Element> found = XmlFiles.children(listeners, kind).stream()
                .filter(listener -> name == null || XmlFiles.children(listener, "name").stream()
                        .anyMatch(n -> n.getTextContent().trim().equals(name)))
                .toList();
        if (found.isEmpty()) {
            throw new IllegalStateException("test-broker/conf/config.xml has no <" + kind + ">" +
                    (name == null ? "" : " named " + name));
        }
        for (final Element listener : found) {
            XmlFiles.setText(listener, "port", Integer.toString(port));
            XmlFiles.setText(listener, "bind-address", settings.bindAddress());
        }
    }

    /**
     * Unpacks the ZIP into the extensions folder (replacing an older copy). With the embedded DB, the H2 driver jar
     * and a jar with {@link H2ChangeTrigger} go next to the extension's jar and the extension's config points at the
     * H2 DB; with an external DB the shipped config stays as it is and reads ACCOUNT_AUTH_JDBC_URL & co from the
     * environment.
     */
    private void installExtension(final Path extensions) {
        final Path zip = settings.resolvedExtensionZip();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("extension ZIP not found: " + zip +
                    " (build it with 'mvn -B -DskipTests package'; test-broker/run.sh does that)");
        }
        final Path folder = HiveMqLauncher.installExtension(zip, extensions);
        enableCertificateLogins(folder.resolve("conf/config.xml"));
        if (settings.externalDatabase().isEmpty()) {
            final Path h2Jar = jarOf(org.h2.Driver.class);
            try {
                Files.copy(h2Jar, folder.resolve(h2Jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            DemoDatabase.writeTriggerJar(folder.resolve("test-broker-h2-triggers.jar"));
            final Path config = folder.resolve("conf/config.xml");
            final Document document = XmlFiles.read(config);
            final Element database = XmlFiles.child(document.getDocumentElement(), "database");
            XmlFiles.setText(database, "jdbc-url", DemoDatabase.h2Url(dbDir));
            XmlFiles.setText(database, "username", DemoDatabase.H2_USER);
            XmlFiles.setText(database, "password", DemoDatabase.H2_PASSWORD);
            final List<Element> driver = XmlFiles.children(database, "driver-class");
            if (driver.isEmpty()) {
                XmlFiles.insertAfter(XmlFiles.child(database, "password"), "driver-class",
                        org.h2.Driver.class.getName(), " test broker: the H2 jar next to the extension's jar ");
            } else {
                XmlFiles.setText(database, "driver-class", org.h2.Driver.class.getName());
            }
            XmlFiles.write(document, config);
        }
    }

    /** The extension's config names the device TLS listener for certificate logins (the shipped one names none). */
    private static void enableCertificateLogins(final Path config) {
        try {
            final String xml = Files.readString(config);
            Files.writeString(config, xml.replace("</account-auth>", """
                        <!-- test broker: devices log in by client certificate on this listener -->
                        <certificate-logins>
                            <listener>
                                <name>%s</name>
                                <mode>certificate</mode>
                            </listener>
                        </certificate-logins>
                    </account-auth>""".formatted(DEVICE_TLS_LISTENER)));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs in as a demo device: proves that the extension started and reaches the DB. */
    private void selfCheck() {
        final DemoAccounts.Device device = DemoAccounts.CAMERA_1;
        final Mqtt5BlockingClient client = Mqtt5Client.builder()
                .identifier("test-broker-self-check")
                .serverHost(host())
                .serverPort(mqttPort)
                .simpleAuth().username(device.mac()).password(device.password().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildBlocking();
        try {
            client.connect();
            client.disconnect();
        } catch (final RuntimeException e) {
            throw new IllegalStateException("the broker runs, but refused the demo device " + device.mac() +
                    " (" + e.getMessage() + "): account-auth did not start or cannot read the account DB; " +
                    "see its log lines above", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The startup banner: where it listens, the demo credentials and commands to try. */
    public String banner() {
        final String ca = caFile().toString();
        final DemoAccounts.Device cam = DemoAccounts.CAMERA_1;
        final DemoAccounts.Account alice = DemoAccounts.ALICE;
        final String host = host();
        final StringBuilder out = new StringBuilder();
        out.append("\n==== account-auth test broker is up (started in ").append(lastStartMillis())
                .append(" ms) ====\n");
        out.append(String.format("  MQTT            %s:%d%n", settings.bindAddress(), mqttPort));
        out.append(String.format("  MQTT over TLS   %s:%d   --cafile %s%n", settings.bindAddress(), tlsPort, ca));
        out.append(String.format("  device TLS      %s:%d   client certificate required, no password%n",
                settings.bindAddress(), deviceTlsPort));
        out.append(String.format("  WebSockets      ws://%s:%d/mqtt%n", host, websocketPort));
        out.append(String.format("  client cert     --cert %s --key %s (optional)%n", clientCertFile(),
                clientKeyFile()));
        out.append("  account DB      ").append(settings.externalDatabase()
                .map(db -> db + (settings.seed() ? ", demo rows seeded" : ", used as it is"))
                .orElse(jdbcUrl() + " (user " + DemoDatabase.H2_USER + ", password " + DemoDatabase.H2_PASSWORD +
                        ")")).append('\n');
        out.append("  data folder     ").append(dataDir()).append('\n');
        out.append("Demo credentials:\n").append(DemoAccounts.describe());
        out.append("Try (two terminals):\n");
        out.append(String.format("  mosquitto_sub -h %s -p %d --cafile %s -V 5 -i alice-phone -c -x 3600 -q 1 " +
                        "-u %s -P %s -t '%s' -v%n", host, tlsPort, ca, alice.email(), alice.password(),
                cam.allEvents()));
        out.append(String.format("  mosquitto_pub -h %s -p %d -V 5 -i camera-1 -q 1 -u %s -P %s -t %s " +
                "-m 'motion detected'%n", host, mqttPort, cam.mac(), cam.password(), cam.topic("motion")));
        out.append(String.format("  mosquitto_pub -h %s -p %d --cafile %s --cert %s --key %s -V 5 -i camera-1 " +
                "-q 1 -t %s -m 'motion, by certificate'%n", host, deviceTlsPort, ca, deviceCertFile(),
                deviceKeyFile(), cam.topic("motion")));
        out.append("Ctrl-C stops it; sessions, queued messages and the DB are kept for the next start (--fresh " +
                "forgets them).\n");
        return out.toString();
    }

    static final String USAGE = """
            usage: test-broker/run.sh [options]
              --mqtt-port N    plain MQTT port (default 1883; env TEST_BROKER_MQTT_PORT; 0 = a free port)
              --tls-port N     MQTT over TLS port (default 8883; env TEST_BROKER_TLS_PORT)
              --device-tls-port N
                               MQTT over TLS for devices with a client certificate (default 8884;
                               env TEST_BROKER_DEVICE_TLS_PORT)
              --ws-port N      MQTT over WebSockets port, path /mqtt (default 8000; env TEST_BROKER_WS_PORT)
              --bind ADDR      listen address (default 127.0.0.1; env TEST_BROKER_BIND; 0.0.0.0 = every interface)
              --data DIR       data folder (default test-broker/data; env TEST_BROKER_DATA)
              --fresh          forget the account DB and all sessions and messages (TLS files are kept;
                               delete the data folder to make new ones)
              --seed           with ACCOUNT_AUTH_JDBC_URL set: create the tables if missing and add the demo rows
              --help           this text
            By default the accounts live in an embedded H2 DB created from conf/schema.sql with demo rows. With
            ACCOUNT_AUTH_JDBC_URL, ACCOUNT_AUTH_DB_USER and ACCOUNT_AUTH_DB_PASSWORD set, the extension uses that
            MySQL/MariaDB instead, untouched unless --seed is given.
            """;

    /** The settings from the command line, falling back on the environment, then on {@link Settings#defaults()}. */
    static Settings parse(final String[] args, final Map<String, String> env) {
        Settings settings = Settings.defaults();
        int mqtt = intEnv(env, "TEST_BROKER_MQTT_PORT", settings.mqttPort());
        int tlsPort = intEnv(env, "TEST_BROKER_TLS_PORT", settings.tlsPort());
        int deviceTls = intEnv(env, "TEST_BROKER_DEVICE_TLS_PORT", settings.deviceTlsPort());
        int ws = intEnv(env, "TEST_BROKER_WS_PORT", settings.websocketPort());
        String bind = env.getOrDefault("TEST_BROKER_BIND", settings.bindAddress());
        Path data = env.containsKey("TEST_BROKER_DATA") ? Path.of(env.get("TEST_BROKER_DATA")) : settings.dataDir();
        boolean fresh = false;
        boolean seed = false;
        final List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            String value = null;
            final int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            switch (arg) {
                case "--fresh" -> fresh = true;
                case "--seed" -> seed = true;
                case "--help", "-h" -> throw new HelpRequested();
                case "--mqtt-port" -> mqtt = port(arg, value != null ? value : next(rest, arg));
                case "--tls-port" -> tlsPort = port(arg, value != null ? value : next(rest, arg));
                case "--device-tls-port" -> deviceTls = port(arg, value != null ? value : next(rest, arg));
                case "--ws-port" -> ws = port(arg, value != null ? value : next(rest, arg));
                case "--bind" -> bind = value != null ? value : next(rest, arg);
                case "--data" -> data = Path.of(value != null ? value : next(rest, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        final Optional<ExternalDatabase> external = ExternalDatabase.fromEnvironment(env);
        if (seed && external.isEmpty()) {
            System.out.println("--seed: the embedded DB is always seeded when it is created; nothing to do");
        }
        return settings.withPorts(mqtt, tlsPort, ws).withDeviceTlsPort(deviceTls).withBindAddress(bind)
                .withDataDir(data.toAbsolutePath())
                .withFresh(fresh).withExternalDatabase(external, seed && external.isPresent());
    }

    /** Runs the test broker until Ctrl-C (SIGINT/SIGTERM), which stops HiveMQ cleanly. */
    public static void main(final String[] args) throws InterruptedException {
        final Settings settings;
        try {
            settings = parse(args, System.getenv());
        } catch (final HelpRequested e) {
            System.out.print(USAGE);
            return;
        } catch (final IllegalArgumentException e) {
            System.err.println("test broker: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        final TestBroker broker = new TestBroker(settings);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("test broker: stopping ...");
            try {
                broker.stop();
                System.out.println("test broker: stopped");
            } catch (final RuntimeException e) {
                System.err.println("test broker: " + e.getMessage());
            }
            stopped.countDown();
        }, "test-broker-shutdown"));
        try {
            broker.start();
        } catch (final RuntimeException e) {
            System.err.println("test broker did not start: " + e.getMessage());
            System.exit(1);
        }
        System.out.println(broker.banner());
        stopped.await();
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static final class HelpRequested extends IllegalArgumentException {
        HelpRequested() {
            super("help");
        }
    }

    private static String next(final List<String> rest, final String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }

    private static int port(final String option, final String value) {
        try {
            final int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not a port (0..65535)");
        }
    }

    private static int intEnv(final Map<String, String> env, final String name, final int fallback) {
        final String value = env.get(name);
        return value == null || value.isBlank() ? fallback : port(name, value);
    }

    private static long lastModified(final Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (final IOException e) {
            return 0;
        }
    }

    private static Path jarOf(final Class<?> type) {
        try {
            final Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(type.getName() + " is not loaded from a jar but from " + jar);
            }
            return jar;
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyIfAbsent(final Path source, final Path target) {
        try {
            if (Files.isRegularFile(source) && !Files.exists(target)) {
                Files.copy(source, target);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
