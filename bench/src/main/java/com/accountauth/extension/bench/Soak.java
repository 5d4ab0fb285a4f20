package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak (issue 15): thousands of clients held with persistent sessions while devices publish QoS 1 to their owners,
 * pairings churn, a guessing flood runs from another address, the DB is killed and started again once (at a third of
 * the time) and the broker restarted once (at two thirds). Prints a sample line every interval and the totals, writes
 * them to a results file, and exits non-zero when a message was lost, one reached a client not entitled to it, or
 * the flooded device was locked out. Run by bench/soak.sh; settings are JVM properties {@code -Dsoak.*} (see
 * {@link Settings}).
 */
public final class Soak {

    /**
     * @param minutes        {@code soak.minutes} [30]: how long the clients are held
     * @param clients        {@code soak.clients} [10000]: devices (two thirds) and their owners (one third)
     * @param rate           {@code soak.rate} [200]: QoS 1 messages per second, from random devices
     * @param guessRate      {@code soak.guessRate} [20]: wrong passwords per second from 127.0.0.2
     * @param churnPercent   {@code soak.churnPercent} [10]: share of users one of whose pairings churns
     * @param churnPerSecond {@code soak.churnPerSecond} [5]: pairing changes per second
     * @param sampleSeconds  {@code soak.sampleSeconds} [30]
     * @param boundMillis    {@code soak.boundMillis} [5000]: how long after an unpairing a delivery may still arrive
     * @param dbDownSeconds  {@code soak.dbDownSeconds} [20]
     * @param drainSeconds   {@code soak.drainSeconds} [120]: longest wait for the last messages at the end
     * @param bcryptCost     {@code soak.bcryptCost} [10]
     * @param results        {@code soak.results}: the results file [bench/results-soak-DATE.md]
     */
    record Settings(int minutes, int clients, int rate, int guessRate, int churnPercent, int churnPerSecond,
                    int sampleSeconds, long boundMillis, int dbDownSeconds, int drainSeconds, int bcryptCost,
                    Path results) {

        static Settings fromProperties(final Path project) {
            return new Settings(Integer.getInteger("soak.minutes", 30), Integer.getInteger("soak.clients", 10_000),
                    Integer.getInteger("soak.rate", 200), Integer.getInteger("soak.guessRate", 20),
                    Integer.getInteger("soak.churnPercent", 10), Integer.getInteger("soak.churnPerSecond", 5),
                    Integer.getInteger("soak.sampleSeconds", 30), Long.getLong("soak.boundMillis", 5_000),
                    Integer.getInteger("soak.dbDownSeconds", 20), Integer.getInteger("soak.drainSeconds", 120),
                    Integer.getInteger("soak.bcryptCost", 10),
                    project.resolve(System.getProperty("soak.results", "bench/results-soak-" + LocalDate.now()
                            + ".md")));
        }

        String describe() {
            return String.format("%d min, %,d clients, %d msg/s QoS 1, %d guesses/s, %d%% of users churning at "
                            + "%d changes/s, bound %d ms, DB down %d s, bcrypt cost %d", minutes, clients, rate,
                    guessRate, churnPercent, churnPerSecond, boundMillis, dbDownSeconds, bcryptCost);
        }
    }

    /** One client of the soak: a device (owner: its user's index), a user, or a stranger (index -1). */
    private record Held(Mqtt5AsyncClient mqtt, int device, int user) {
    }

    private static final long T0 = System.nanoTime();
    private static final String STRANGER_PASSWORD = "soak-stranger-pass";

    private final Path project = EmbeddedBroker.projectDir();
    private final Settings settings = Settings.fromProperties(project);
    private final Population population = new Population(Math.max(4, settings.clients() * 2 / 3 / 2 * 2));
    private final int strangers = Math.max(1, settings.clients() / 200);
    private final SoakLedger ledger = new SoakLedger(settings.boundMillis());
    private final List<Held> held = new ArrayList<>();
    private final List<String> samples = new ArrayList<>();
    private final Random random = new Random(42);
    private final AtomicInteger[] seqs = new AtomicInteger[population.devices.size()];
    private final Path artifacts = project.resolve("target/soak-" +
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    private BrokerProcess broker;
    // the commit the extension was built from: work may land while the soak runs
    private final String commitAtStart = commit();
    // the command that starts the test broker in a broker process, without its port; and that port
    private String startBroker;
    private int brokerPort;
    private long firstHeapMb = -1;
    private long lastHeapMb = -1;
    private long maxHeapMb = -1;
    // the same without HiveMQ's Xodus page cache
    private long firstRestMb = -1;
    private long lastRestMb = -1;
    private long maxRestMb = -1;

    /** A broker process with the test broker on {@code port} (0: a free one); returns the port. */
    private int launchBroker(final int port) throws IOException, InterruptedException {
        broker = BrokerProcess.launch("account-auth", 1024 + settings.clients() / 5, 256, List.of(),
                artifacts.resolve("broker.stderr.log"));
        final String started = broker.call(startBroker + " " + port, Duration.ofMinutes(3));
        brokerPort = Integer.parseInt(started.replace("port=", "").trim());
        return brokerPort;
    }

    public static void main(final String[] args) throws Exception {
        final boolean passed;
        try {
            passed = new Soak().run();
        } catch (final Exception e) {
            say("soak FAILED: " + e);
            e.printStackTrace();
            System.exit(2);
            return;
        }
        System.exit(passed ? 0 : 1);
    }

    static void say(final String line) {
        final long s = (System.nanoTime() - T0) / 1_000_000_000L;
        System.out.printf("[%02d:%02d] %s%n", s / 60, s % 60, line);
    }

    private boolean run() throws Exception {
        Files.createDirectories(artifacts);
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = new AtomicInteger();
        }
        say("soak: " + settings.describe() + "; artifacts in " + project.relativize(artifacts));
        final String deviceHash = BCrypt.hashpw(Population.DEVICE_PASSWORD, BCrypt.gensalt(settings.bcryptCost()));
        final String userHash = BCrypt.hashpw(Population.USER_PASSWORD, BCrypt.gensalt(settings.bcryptCost()));
        try (MariaDbServer db = MariaDbServer.start(project.resolve("conf/schema.sql"));
             BenchDatabase seeded = new BenchDatabase(db);
             Connection admin = db.rootConnection()) {
            seeded.seed(population, deviceHash, userHash);
            seedStrangers(admin, BCrypt.hashpw(STRANGER_PASSWORD, BCrypt.gensalt(settings.bcryptCost())));
            say(String.format("MariaDB on port %d: %,d devices, %,d users, %d strangers", db.port(),
                    population.devices.size(), population.users.size(), strangers));
            startBroker = String.join(" ", "account-auth", artifacts.resolve("broker").toString(),
                    shippedZip(db, artifacts).toString(), db.jdbcUrl(), db.appUser(), db.appPassword(),
                    artifacts.resolve("hivemq.log").toString());
            final int port = launchBroker(0);
            say("broker (pid " + broker.pid() + ") on 127.0.0.1:" + port + ", the shipped config.xml");
            try {
                return soak(db, admin, port);
            } finally {
                broker.close();
            }
        }
    }

    private boolean soak(final MariaDbServer db, final Connection admin, final int port) throws Exception {
        connectEveryone(port);
        final long heldFrom = System.nanoTime();
        sample(0);
        final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        timers.scheduleAtFixedRate(this::publishSome, 100, 100, TimeUnit.MILLISECONDS);
        final PairingChurn churn = new PairingChurn(admin, churnedUsers(), ledger, settings.churnPerSecond());
        final GuessFlood flood = new GuessFlood(port, population.devices.get(0).mac(), settings.guessRate());
        final long end = heldFrom + TimeUnit.MINUTES.toNanos(settings.minutes());
        boolean dbRestarted = false;
        boolean brokerRestarted = false;
        long nextSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.sampleSeconds());
        while (System.nanoTime() < end) {
            final long elapsed = System.nanoTime() - heldFrom;
            if (!dbRestarted && elapsed > (end - heldFrom) / 3) {
                dbRestarted = true;
                say("killing MariaDB (SIGKILL) for " + settings.dbDownSeconds() + " s");
                final long killed = System.nanoTime();
                ledger.outageBegins(killed);
                db.killServer();
                Thread.sleep(TimeUnit.SECONDS.toMillis(settings.dbDownSeconds()));
                db.startServerAgain();
                ledger.outage(killed, System.nanoTime());
                churn.reconnect(db.rootConnection());
                say("MariaDB is back");
            } else if (!brokerRestarted && elapsed > 2 * (end - heldFrom) / 3) {
                brokerRestarted = true;
                // as an operator restarts HiveMQ: the process (its sessions on disk), not HiveMQ inside the same JVM
                say("restarting the broker process (persistent sessions on disk)");
                broker.close();
                launchBroker(port);
                say("broker is back; clients reconnect on their own");
            }
            if (System.nanoTime() >= nextSample) {
                sample(flood.count("CONNECTION_RATE_EXCEEDED"));
                nextSample += TimeUnit.SECONDS.toNanos(settings.sampleSeconds());
            }
            Thread.sleep(200);
        }
        timers.shutdownNow();
        churn.close();
        flood.close();
        say(String.format("traffic stopped: %,d published, %,d delivered; waiting up to %d s for the rest",
                ledger.published(), ledger.delivered(), settings.drainSeconds()));
        final long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.drainSeconds());
        while (ledger.missing() > 0 && System.nanoTime() < drainEnd) {
            Thread.sleep(500);
        }
        sample(flood.count("CONNECTION_RATE_EXCEEDED"));
        return report(flood, churn);
    }

    private void seedStrangers(final Connection admin, final String hash) throws SQLException {
        try (PreparedStatement insert = admin.prepareStatement(
                "INSERT INTO accounts (id, email, password_hash, role) VALUES (?, ?, ?, 'user')")) {
            for (int s = 0; s < strangers; s++) {
                insert.setLong(1, population.users.size() + 10L + s);
                insert.setString(2, String.format("stranger%04d@bench.example", s));
                insert.setString(3, hash);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The ZIP with the shipped config.xml as it is (throttling included), pointed at the private DB. */
    static Path shippedZip(final MariaDbServer db, final Path artifacts) throws IOException {
        return ExtensionZip.withConfig(EmbeddedBroker.shippedConfig(db.jdbcUrl(), db.appUser(), db.appPassword()),
                artifacts.resolve("account-auth-soak.zip"));
    }

    /** Every device, user and stranger, persistent sessions, reconnecting on their own; 100 CONNECTs in flight. */
    private void connectEveryone(final int port) throws InterruptedException {
        for (final Population.Device device : population.devices) {
            held.add(new Held(client(port, device.clientId(), device.mac(), Population.DEVICE_PASSWORD), device.index(),
                    -2));
        }
        for (final Population.User user : population.users) {
            held.add(new Held(client(port, user.clientId(), user.email(), Population.USER_PASSWORD), -1, user.index()));
        }
        for (int s = 0; s < strangers; s++) {
            held.add(new Held(client(port, String.format("str-%04d", s), String.format("stranger%04d@bench.example",
                    s), STRANGER_PASSWORD), -1, -1));
        }
        for (final Held h : held) {
            if (h.device() < 0) {
                h.mqtt().publishes(MqttGlobalPublishFilter.ALL, publish -> {
                    final String payload = new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
                    if (payload.startsWith("d:")) {
                        final String[] parts = payload.split(":");
                        final int device = Integer.parseInt(parts[1]);
                        ledger.delivered(h.user(), device / 2, device, Integer.parseInt(parts[2]), System.nanoTime());
                    }
                });
            }
        }
        final Semaphore inFlight = new Semaphore(100);
        final AtomicInteger refused = new AtomicInteger();
        final long start = System.nanoTime();
        for (final Held h : held) {
            inFlight.acquire();
            h.mqtt().connectWith().cleanStart(false).sessionExpiryInterval(3600).send().whenComplete((ack, e) -> {
                if (e != null || ack.getReasonCode() != Mqtt5ConnAckReasonCode.SUCCESS) {
                    refused.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(100);
        inFlight.release(100);
        // strangers try to see everything; each filter must be refused, and nothing may reach them
        for (final Held h : held) {
            if (h.device() < 0 && h.user() < 0) {
                h.mqtt().subscribeWith().topicFilter("/orbweb/ipcam/+/+").qos(MqttQos.AT_LEAST_ONCE).send();
            }
        }
        say(String.format("%,d clients connected in %.1f s (%d refused or failed at first)", connected(),
                (System.nanoTime() - start) / 1e9, refused.get()));
    }

    private static Mqtt5AsyncClient client(final int port, final String clientId, final String username,
                                           final String password) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                .automaticReconnect().initialDelay(1, TimeUnit.SECONDS).maxDelay(10, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .simpleAuth().username(username).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildAsync();
    }

    private List<int[]> churnedUsers() {
        final List<int[]> pairs = new ArrayList<>();
        final int count = population.users.size() * settings.churnPercent() / 100;
        for (int j = population.users.size() - count; j < population.users.size(); j++) {
            final int device = 2 * j + 1;
            ledger.churnStarts(j, device);
            pairs.add(new int[]{j, device});
        }
        return pairs;
    }

    /** One tick of traffic: rate/10 messages from random connected devices, QoS 1, each counted on its PUBACK. */
    private void publishSome() {
        final int n = Math.max(1, settings.rate() / 10);
        for (int i = 0; i < n; i++) {
            final Held h;
            synchronized (random) {
                h = held.get(random.nextInt(population.devices.size()));
            }
            if (!h.mqtt().getState().isConnected()) {
                continue;
            }
            final Population.Device device = population.devices.get(h.device());
            final int seq = seqs[h.device()].incrementAndGet();
            final int owner = h.device() / 2;
            h.mqtt().publishWith().topic(device.topic("motiondetector")).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("d:" + h.device() + ":" + seq).getBytes(StandardCharsets.UTF_8)).send()
                    .whenComplete((result, e) -> {
                        // a PUBACK with an error code completes the result with that error
                        if (e == null && result.getError().isEmpty()) {
                            ledger.published(h.device(), seq, owner);
                        }
                    });
        }
    }

    private int connected() {
        int n = 0;
        for (final Held h : held) {
            if (h.mqtt().getState().isConnected()) {
                n++;
            }
        }
        return n;
    }

    private void sample(final long throttled) throws InterruptedException {
        long heapMb = -1;
        long pageCacheMb = 0;
        try {
            heapMb = broker.heapAfterGc() / (1024 * 1024);
            pageCacheMb = broker.pageCacheBytes() / (1024 * 1024);
        } catch (final IllegalStateException e) {
            say("heap not read: " + e.getMessage());
        }
        final double cpuSeconds = CpuMeter.cpuSeconds(broker.pid());
        final long minute = (System.nanoTime() - T0) / 1_000_000_000L;
        final String line = String.format("| %02d:%02d | %,d | %,d | %,d | %.1f | %,d | %,d | %,d | %,d |",
                minute / 60, minute % 60, connected(), heapMb, pageCacheMb, cpuSeconds, ledger.published(),
                ledger.delivered(), ledger.unauthorised(), throttled);
        samples.add(line);
        say(String.format("held %,d, broker heap %,d MB (Xodus page cache %,d MB), broker CPU %.1f s, published %,d, "
                        + "delivered %,d, unauthorised %,d, throttled %,d", connected(), heapMb, pageCacheMb,
                cpuSeconds, ledger.published(), ledger.delivered(), ledger.unauthorised(), throttled));
        if (heapMb >= 0 && samples.size() >= 2) {
            if (firstHeapMb < 0) {
                firstHeapMb = heapMb;
                firstRestMb = heapMb - pageCacheMb;
            }
            lastHeapMb = heapMb;
            lastRestMb = heapMb - pageCacheMb;
            maxHeapMb = Math.max(maxHeapMb, heapMb);
            maxRestMb = Math.max(maxRestMb, heapMb - pageCacheMb);
        }
    }

    private boolean report(final GuessFlood flood, final PairingChurn churn) throws IOException {
        final boolean deviceHeld = held.get(0).mqtt().getState().isConnected();
        // HiveMQ's Xodus page cache fills up to its own bound (25 % of the heap) as the persistence writes: judged
        // apart, so that the bar is about what else the broker keeps
        final boolean heapFlat = firstRestMb > 0 && lastRestMb <= firstRestMb * 5 / 4 + 32;
        final List<String> lines = new ArrayList<>();
        lines.add("# Soak, " + LocalDate.now() + " (commit " + commitAtStart + ")");
        lines.add("");
        lines.add("Settings: " + settings.describe() + ". Run with `bench/soak.sh`; what it does: "
                + "`bench/README.md`.");
        lines.add("");
        lines.add("| time | held | broker heap after GC (MB) | of it Xodus page cache (MB) | broker CPU (s) | published |"
                + " delivered | unauthorised | throttled |");
        lines.add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        lines.addAll(samples);
        lines.add("");
        lines.add(String.format("- QoS 1 messages lost to their owners: **%,d** (bar 0)", ledger.missing()));
        lines.add(String.format("- deliveries to clients not entitled to them: **%,d** (bar 0)",
                ledger.unauthorised()));
        lines.add(String.format("- connections held at the end: %,d of %,d", connected(), held.size()));
        lines.add(String.format("- guesses: %s; the flooded device (its own address) %s", flood.answers(),
                deviceHeld ? "stayed connected" : "was NOT connected at the end"));
        lines.add(String.format("- pairing changes committed: %,d (%,d failed while the DB was down)",
                churn.committed(), churn.failed()));
        lines.add(String.format("- broker heap after GC after warm-up, without HiveMQ's Xodus page cache (bounded by "
                        + "HiveMQ at 25 %% of the heap): first %,d MB, last %,d MB, max %,d MB: %s (with the cache: "
                        + "first %,d MB, last %,d MB, max %,d MB)", firstRestMb, lastRestMb, maxRestMb,
                heapFlat ? "flat" : "GREW", firstHeapMb, lastHeapMb, maxHeapMb));
        ledger.examples().forEach(e -> lines.add("  - " + e));
        if (ledger.missing() > 0) {
            lines.add("- missing messages by when they were accepted (seconds since the start): " + ledger.missingByTime(
                    T0, 10, user -> user >= population.users.size() - population.users.size() * settings.churnPercent()
                            / 100));
        }
        Files.createDirectories(settings.results().getParent());
        Files.write(settings.results(), lines, StandardCharsets.UTF_8);
        System.out.println();
        lines.forEach(System.out::println);
        say("results written to " + project.relativize(settings.results()));
        return ledger.missing() == 0 && ledger.unauthorised() == 0 && deviceHeld;
    }

    private String commit() {
        try {
            final Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").directory(project.toFile())
                    .redirectErrorStream(true).start();
            final String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (final IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
