package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.Folders;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.accountauth.extension.testsupport.StatementKind;
import org.mindrot.jbcrypt.BCrypt;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The account-auth benchmark ({@code bench/run.sh [N]}): a private MariaDB seeded with N devices and N/2 users, the
 * test broker with the extension, and the same HiveMQ with an allow-all authenticator, both driven by real MQTT 5
 * clients over loopback; prints one table with both side by side and writes it to {@code bench/results-<date>.md}.
 * A third broker, the floor (allow-all plus the extension's server-side subscriptions), is a reference for the warm
 * storms.
 * <p>
 * Each broker runs in its own JVM ({@link BenchBroker}) with the same heap and the same HiveMQ configuration. All
 * stay up from the first comparison on, and the compared measurements alternate between them (A B B A), so that
 * whatever else the machine does touches both alike; an idle broker costs next to nothing. The clients, the MariaDB
 * and this driver share the machine with them.
 */
public final class Benchmark {

    private static final long T0 = System.nanoTime();
    // the hashes' cost (10, a common production cost); a lower one only shortens the cold storm, for quick checks
    private static final int BCRYPT_COST = Integer.getInteger("bench.bcryptCost", 10);
    private static final double DISTURBED_PERCENT = 10;
    private static final int LEAD_IN_QOS_WARMUPS = 3;
    // a broker counts as quiet once it spends under this share of one core, so a phase does not start while it
    // still works off the one before (e.g. 15,000 disconnects and their sessions)
    private static final double QUIET_CORE_SHARE = 0.05;
    private static final Duration QUIET_WINDOW = Duration.ofMillis(250);
    private static final Duration QUIET_MAX = Duration.ofSeconds(30);

    private final int n;
    private final int cores = Runtime.getRuntime().availableProcessors();
    // under HiveMQ CE's listen backlog (128, fixed): with more connections in flight the kernel dropped SYNs, and a
    // storm's time then held TCP's 1 s retransmission timer for some of its clients, more often on the busier broker
    private final int warmInFlight = Integer.getInteger("bench.warmInFlight", 100);
    private final int coldInFlight = Integer.getInteger("bench.coldInFlight", 100);
    // 2 cores compile a broker's connect path slowly: after 4 warm-up storms the brokers' CPU per connect kept
    // falling into the fourth measured round; after 8 it was flat. One storm lasts only 2-3 s and the machine's speed
    // drifts (the clients' own CPU per connect moved by a third within minutes), so the median of more rounds says more
    private final int warmRounds = Integer.getInteger("bench.warmRounds", 7);
    private final int warmupStorms = Integer.getInteger("bench.warmupStorms", 8);
    private final int qosDevices;
    private final int qosWarmup = Integer.getInteger("bench.qosWarmup", 30_000);
    private final int qosMessages = Integer.getInteger("bench.qosMessages", 250_000);
    // rounds of A B B A: the parts differ a lot on 2 cores (Xodus, GC), more of them average that out
    private final int qosRounds = Math.max(1, Integer.getInteger("bench.qosRounds", 5));
    private final int qosInFlight = Integer.getInteger("bench.qosInFlight", 500);
    private final int crowdSize = 100;
    private final long brokerHeapMb;
    // a fixed young generation: left to G1, its size (0.8-1.8 GB, decided by each JVM's history) decided whether a
    // storm of 2 s held a collection at all; small and fixed, each storm's collections follow what it allocates
    private final long brokerYoungMb = Long.getLong("bench.brokerYoungMb", 256);
    private final Path project;
    private final Path artifacts;
    private final Population population;
    private final List<String> notes = new ArrayList<>();
    private final List<String> cpuLog = new ArrayList<>();
    private final Set<String> disturbed = new LinkedHashSet<>();
    private double maxOthersCpu;
    private int unquiet;
    private double bcryptMillisFirst;
    private double bcryptMillisLast;
    private long listenOverflows;
    private PermissionCheckCost.Result permissionCheck;

    private Benchmark(final int n) throws IOException {
        this.n = n;
        this.qosDevices = Math.min(Integer.getInteger("bench.qosDevices", 500), n) / 2 * 2;
        this.brokerHeapMb = Long.getLong("bench.brokerHeapMb", 1024 + n / 5L);
        this.project = EmbeddedBroker.projectDir();
        this.artifacts = project.resolve("target/bench-" +
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(artifacts);
        this.population = new Population(n);
    }

    static void say(final String line) {
        final long s = (System.nanoTime() - T0) / 1_000_000_000L;
        System.out.printf("[%02d:%02d] %s%n", s / 60, s % 60, line);
    }

    public static void main(final String[] args) throws Exception {
        final int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 10_000;
        if (n < 4) {
            throw new IllegalArgumentException("N must be at least 4");
        }
        final Benchmark benchmark = new Benchmark(n);
        try {
            benchmark.run();
        } catch (final Exception e) {
            say("benchmark FAILED: " + e);
            throw e;
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** One broker under test and what it did. */
    static final class Side {
        final String name;
        BrokerProcess broker;
        MqttLoad load;
        List<MqttLoad.Client> clients;
        long heapBefore;
        long heapConnected;
        int heapClients;
        Path histogramBefore;
        Path histogram;
        /** account-auth: the cold storm after its restart; allow-all: its first storm. */
        MqttLoad.Storm first;
        /** allow-all: the storm after a restart. */
        MqttLoad.Storm afterRestart;
        final List<MqttLoad.Storm> warm = new ArrayList<>();
        /** The clients' (driver's) CPU per connect in each measured warm storm, in the order of {@link #warm}. */
        final List<Double> warmClientsMicros = new ArrayList<>();
        final List<MqttLoad.Storm> warmSubscribing = new ArrayList<>();
        BrokerCpu.Usage firstCpu = BrokerCpu.Usage.NONE;
        BrokerCpu.Usage warmCpu = BrokerCpu.Usage.NONE;
        BrokerCpu.Usage warmSubscribingCpu = BrokerCpu.Usage.NONE;
        BrokerCpu.Usage qosCpu = BrokerCpu.Usage.NONE;
        MqttLoad.Qos qos;
        int qosParts;
        final List<Double> qosPartRates = new ArrayList<>();
        // account-auth only
        BenchDatabase.Counts coldDb;
        BenchDatabase.Counts warmDb = BenchDatabase.Counts.of(List.of());
        MqttLoad.Storm crowd;
        BenchDatabase.Counts crowdDb;
        long crowdAccountLoads;
        long crowdPlanLoads;
        long crowdClientIdStatements;

        Side(final String name) {
            this.name = name;
        }

        double warmRate() {
            return median(warm);
        }

        static double median(final List<MqttLoad.Storm> storms) {
            return Benchmark.median(storms.stream().mapToDouble(MqttLoad.Storm::rate).toArray());
        }

        /**
         * The median warm-storm rate, each storm's rate scaled to the machine's usual speed: by its clients' CPU per
         * connect against {@code usualClientsMicros}.
         */
        double warmRateAtUsualSpeed(final double usualClientsMicros) {
            final double[] rates = new double[warm.size()];
            for (int i = 0; i < rates.length; i++) {
                rates[i] = warm.get(i).rate() * warmClientsMicros.get(i) / usualClientsMicros;
            }
            return Benchmark.median(rates);
        }

        double heapPerClient() {
            return (double) (heapConnected - heapBefore) / heapClients;
        }

        /** Growth of the live objects' bytes (class histograms) per connected client. */
        double liveHeapPerClient() {
            try {
                return (double) (liveBytes(histogram) - liveBytes(histogramBefore)) / heapClients;
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        BrokerCpu.Reading cpu() throws InterruptedException {
            return BrokerCpu.Reading.parse(broker.call("cpu", Duration.ofMinutes(1)));
        }
    }

    private void run() throws Exception {
        final List<Population.Login> everyone = population.everyone();
        checkFileDescriptors(everyone.size());
        say(String.format("account-auth benchmark: N = %,d devices, %,d users (%,d clients); %d cores; artifacts in %s",
                n, population.users.size(), everyone.size(), cores, project.relativize(artifacts)));

        final String deviceHash = BCrypt.hashpw(Population.DEVICE_PASSWORD, BCrypt.gensalt(BCRYPT_COST));
        final String userHash = BCrypt.hashpw(Population.USER_PASSWORD, BCrypt.gensalt(BCRYPT_COST));
        bcryptMillisFirst = bcryptMillis(userHash);
        say(String.format("bcrypt cost %d: one check takes %.1f ms (median of 21, one thread, idle machine)",
                BCRYPT_COST, bcryptMillisFirst));
        final double parallel = bcryptParallelRate(userHash, cores);
        notes.add(String.format("For reference, %d threads checking bcrypt at once in the driver's JVM (nothing else " +
                        "running): %.1f checks/s = %.2f x the bound; that is what the cores give to bcrypt alone.",
                cores, parallel, parallel * bcryptMillisFirst / 1000.0 / cores));
        say(notes.get(notes.size() - 1));
        // the extension runs no code per message; what it costs per message is this check in HiveMQ's event loops
        permissionCheck = PermissionCheckCost.measure(project.resolve("conf/config.xml"), population.devices.get(0));
        say(permissionCheck.describe());

        final Side aa = new Side("account-auth");
        final Side al = new Side("allow-all");
        // allow-all plus a client initializer that makes account-auth's server-side subscriptions: the floor
        final Side fl = new Side("floor");
        final String mariaDbVersion;
        say("starting a private MariaDB (conf/schema.sql) ...");
        try (MariaDbServer server = MariaDbServer.start(project.resolve("conf/schema.sql"));
             BenchDatabase db = new BenchDatabase(server)) {
            mariaDbVersion = db.version();
            final long seedStart = System.nanoTime();
            db.seed(population, deviceHash, userHash);
            say(String.format("MariaDB %s on port %d seeded in %.1f s: %,d devices, %,d accounts, %,d pairings, " +
                            "%,d client ids", mariaDbVersion, server.port(), (System.nanoTime() - seedStart) / 1e9,
                    db.count("devices"), db.count("accounts"), db.count("pairings"), db.count("client_ids")));
            try {
                startAccountAuth(aa, server, benchZip(server), everyone);
                coldStormAndHeap(aa, db);
                startAllowAll(al, artifacts.resolve("account-auth/hivemq/conf/config.xml"), everyone, false);
                startAllowAll(fl, artifacts.resolve("account-auth/hivemq/conf/config.xml"), everyone, true);
                firstStormAndHeap(al);
                warmStorms(aa, al, fl, db);
                crowd(aa, db);
                qos(aa, al, fl);
                allowAllAfterRestart(al);
                db.stopStatementLog();
            } finally {
                for (final Side side : List.of(fl, al, aa)) {
                    if (side.broker != null) {
                        side.broker.close();
                        say(side.name + ": broker stopped");
                    }
                }
                // the brokers' sessions and queues (hundreds of MB at N = 10,000); logs and profiles stay
                for (final String data : List.of("account-auth/hivemq/data", "allow-all/data", "floor/data")) {
                    final String left = Folders.deleteQuietly(artifacts.resolve(data));
                    if (left != null) {
                        say("could not delete " + left);
                    }
                }
            }
        }
        say("MariaDB stopped");
        bcryptMillisLast = bcryptMillis(userHash);
        say(String.format("bcrypt cost %d, measured again: %.1f ms", BCRYPT_COST, bcryptMillisLast));

        final String table = table(aa, al, fl, everyone.size());
        System.out.println();
        System.out.println(table);
        if (!disturbed.isEmpty()) {
            say(String.format("WARNING: other processes took over %.0f%% of the CPU during %s; compare with care, " +
                    "or run again on a quiet machine", DISTURBED_PERCENT, String.join(", ", disturbed)));
        }
        final Path results = writeResults(table, aa, al, fl, mariaDbVersion);
        say("results written to " + project.relativize(results) + "; broker logs, histograms and profiles in " +
                project.relativize(artifacts));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void startAccountAuth(final Side aa, final MariaDbServer server, final Path zip,
                                  final List<Population.Login> everyone) throws Exception {
        say("account-auth: starting the test broker (own JVM, -Xmx" + brokerHeapMb + "m) ...");
        aa.broker = BrokerProcess.launch(aa.name, brokerHeapMb, brokerYoungMb, brokerJvm(),
                artifacts.resolve("account-auth-broker.stderr.log"));
        final String started = aa.broker.call(String.join(" ", "account-auth",
                artifacts.resolve("account-auth").toString(), zip.toString(), server.jdbcUrl(), server.appUser(),
                server.appPassword(), artifacts.resolve("account-auth-hivemq.log").toString()), Duration.ofMinutes(3));
        final int port = Integer.parseInt(started.replace("port=", "").trim());
        aa.broker.call("restart", Duration.ofMinutes(3));
        say("account-auth: test broker (pid " + aa.broker.pid() + ") listening on 127.0.0.1:" + port +
                ", restarted once: its caches are empty");
        aa.load = new MqttLoad(port, Benchmark::say);
        aa.clients = aa.load.clients(everyone);
    }

    private void coldStormAndHeap(final Side aa, final BenchDatabase db) throws Exception {
        db.startStatementLog();
        aa.heapBefore = aa.broker.heapAfterGc();
        aa.histogramBefore = histogram(aa, "before");
        db.takeStatements();
        say(String.format("account-auth: cold storm, %,d clients, <= %d CONNECTs in flight (bcrypt-bound: " +
                        "about %.0f s) ...", aa.clients.size(), coldInFlight,
                aa.clients.size() * bcryptMillisFirst / 1000 / cores / 0.9));
        profileStart(aa, "cold-storm");
        aa.first = measured("account-auth cold storm", aa,
                () -> aa.load.storm("cold storm", aa.clients, coldInFlight, aa.clients.size() / 5L + 120),
                MqttLoad.Storm::connected, (usage, clients) -> aa.firstCpu = usage);
        profileStop(aa);
        aa.coldDb = BenchDatabase.Counts.of(db.takeStatements());
        say("account-auth: " + aa.first.describe());
        say("account-auth: DB statements in the cold storm: " + aa.coldDb.describe());
        Thread.sleep(5000); // server-side subscriptions are added asynchronously after CONNACK
        aa.heapConnected = aa.broker.heapAfterGc();
        aa.heapClients = aa.first.connected();
        aa.histogram = histogram(aa, "connected");
        say(String.format("account-auth: heap %,d -> %,d bytes with %,d clients connected", aa.heapBefore,
                aa.heapConnected, aa.heapClients));
        aa.load.disconnectAll(aa.clients);
        db.takeStatements(); // the disconnects (none expected)
    }

    /**
     * Starts HiveMQ with the allow-all authenticator in its own JVM; with {@code serverSideSubscriptions} also with a
     * client initializer that subscribes each session to what account-auth subscribes it to (the floor).
     */
    private void startAllowAll(final Side side, final Path accountAuthConfig, final List<Population.Login> everyone,
                               final boolean serverSideSubscriptions) throws Exception {
        final Path dir = artifacts.resolve(side.name);
        final Path conf = dir.resolve("conf");
        final int port = allowAllConfig(accountAuthConfig, conf);
        BenchBroker.writeLogback(conf, artifacts.resolve(side.name + "-hivemq.log"));
        say(side.name + ": starting HiveMQ with the allow-all authenticator" + (serverSideSubscriptions ?
                " and a client initializer making account-auth's server-side subscriptions" : "") + " (own JVM, -Xmx" +
                brokerHeapMb + "m) ...");
        side.broker = BrokerProcess.launch(side.name, brokerHeapMb, brokerYoungMb, brokerJvm(),
                artifacts.resolve(side.name + "-broker.stderr.log"));
        String command = "allow-all " + conf + " " + dir;
        if (serverSideSubscriptions) {
            final Path subscriptions = artifacts.resolve(side.name + "-subscriptions.txt");
            final List<String> lines = new ArrayList<>();
            for (final Population.Login login : everyone) {
                lines.add(String.join(" ", login.clientId(), String.join(" ", login.autoSubscriptions())).trim());
            }
            Files.write(subscriptions, lines, StandardCharsets.UTF_8);
            command += " " + subscriptions;
        }
        side.broker.call(command, Duration.ofMinutes(3));
        say(side.name + ": broker (pid " + side.broker.pid() + ") listening on 127.0.0.1:" + port +
                " (the test broker's HiveMQ config, other ports); the other brokers stay up, idle");
        side.load = new MqttLoad(port, Benchmark::say);
        side.clients = side.load.clients(everyone);
    }

    private void firstStormAndHeap(final Side al) throws Exception {
        al.heapBefore = al.broker.heapAfterGc();
        al.histogramBefore = histogram(al, "before");
        al.first = measured("allow-all first storm", al,
                () -> al.load.storm("first storm", al.clients, coldInFlight, 600), MqttLoad.Storm::connected,
                (usage, clients) -> al.firstCpu = usage);
        say("allow-all: " + al.first.describe());
        al.load.subscribeAll(al.clients, warmInFlight);
        Thread.sleep(5000);
        al.heapConnected = al.broker.heapAfterGc();
        al.heapClients = al.first.connected();
        al.histogram = histogram(al, "connected");
        say(String.format("allow-all: heap %,d -> %,d bytes with %,d clients connected and subscribed to what " +
                "account-auth subscribes them to", al.heapBefore, al.heapConnected, al.heapClients));
        al.load.disconnectAll(al.clients);
    }

    /**
     * Rounds of: account-auth's warm storm, allow-all's, allow-all's with the clients subscribing themselves
     * (reference) and the floor's (reference), in A B B A order.
     */
    private void warmStorms(final Side aa, final Side al, final Side fl, final BenchDatabase db) throws Exception {
        // each broker JVM compiles its connect path on its own: unmeasured storms first, until all run warm
        for (int i = 1; i <= warmupStorms; i++) {
            for (final Side side : List.of(aa, al, fl)) {
                final MqttLoad.Storm storm = side.load.storm("warm-up storm " + i, side.clients, warmInFlight, 600);
                say(side.name + ": " + storm.describe() + " (not measured)");
                side.load.disconnectAll(side.clients);
            }
        }
        // allow-all's reference storms, whose clients subscribe themselves, have their own code path to compile
        final MqttLoad.Storm selfSubscribing = al.load.storm("warm-up storm, clients subscribing after CONNACK",
                al.clients, warmInFlight, 600, true);
        say(al.name + ": " + selfSubscribing.describe() + " (not measured)");
        al.load.disconnectAll(al.clients);
        say(String.format("warm storms: %d rounds, %,d clients each, <= %d CONNECTs in flight, alternating brokers",
                warmRounds, aa.clients.size(), warmInFlight));
        for (int round = 1; round <= warmRounds; round++) {
            final String label = "warm storm " + round;
            final List<Runnable> order = new ArrayList<>();
            final Exception[] failure = new Exception[1];
            order.add(() -> unchecked(failure, () -> {
                db.takeStatements();
                warmStorm(aa, label, () -> aa.warmDb = aa.warmDb.plus(BenchDatabase.Counts.of(db.takeStatements())));
            }));
            order.add(() -> unchecked(failure, () -> warmStorm(al, label, () -> { })));
            order.add(() -> unchecked(failure, () -> {
                final String subscribing = label + ", clients subscribing after CONNACK";
                final MqttLoad.Storm storm = measured("allow-all " + subscribing, al,
                        () -> al.load.storm(subscribing, al.clients, warmInFlight, 600, true),
                        MqttLoad.Storm::connected,
                        (usage, clients) -> al.warmSubscribingCpu = al.warmSubscribingCpu.plus(usage));
                al.warmSubscribing.add(storm);
                say("allow-all: " + storm.describe());
                al.load.disconnectAll(al.clients);
            }));
            order.add(() -> unchecked(failure, () -> warmStorm(fl, label, () -> { })));
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (final Runnable step : order) {
                step.run();
                if (failure[0] != null) {
                    throw failure[0];
                }
            }
        }
        say("account-auth: DB statements in " + warmRounds + " warm storms: " + aa.warmDb.describe());
        for (final Side side : List.of(aa, al, fl)) {
            say(side.name + ": broker " + side.warmCpu.describe("connect") + "; " + busyCores(side));
        }
    }

    /**
     * One measured warm storm of a broker; {@code afterMeasured} runs once it is over, before its clients disconnect
     * (account-auth's DB statements are counted there).
     */
    private void warmStorm(final Side side, final String label, final Step afterMeasured) throws Exception {
        profileStart(side, "warm-storm-" + label.substring(label.length() - 1));
        final MqttLoad.Storm storm = measured(side.name + " " + label, side,
                () -> side.load.storm(label, side.clients, warmInFlight, 600), MqttLoad.Storm::connected,
                (usage, clients) -> {
                    side.warmCpu = side.warmCpu.plus(usage);
                    side.warmClientsMicros.add(clients / 1e3 / Math.max(1, usage.units()));
                });
        profileStop(side);
        afterMeasured.run();
        side.warm.add(storm);
        say(side.name + ": " + storm.describe());
        side.load.disconnectAll(side.clients);
    }

    /** The clients' median CPU per connect over every measured warm storm of the run. */
    private static double usualClientsMicros(final Side... sides) {
        return median(Arrays.stream(sides).flatMap(side -> side.warmClientsMicros.stream())
                .mapToDouble(Double::doubleValue).toArray());
    }

    /** The middle value (the upper one of an even count), as the warm figure has always been taken; NaN if none. */
    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    /** How many cores the broker kept busy over its measured warm storms: near its cores when it set the pace. */
    private static String busyCores(final Side side) {
        final double seconds = side.warm.stream().mapToDouble(MqttLoad.Storm::seconds).sum();
        return String.format("%.2f cores busy during the storms", side.warmCpu.process() / 1e9 / seconds);
    }

    private static String qosBusyCores(final Side side) {
        return String.format("%.2f cores busy during the QoS parts", side.qosCpu.process() / 1e9 / side.qos.seconds());
    }

    private void crowd(final Side aa, final BenchDatabase db) throws Exception {
        db.takeStatements();
        aa.crowd = aa.load.crowd(population.crowd, crowdSize);
        final List<String> statements = db.takeStatements();
        aa.crowdDb = BenchDatabase.Counts.of(statements);
        final Pattern planOfCrowd = Pattern.compile("account_id\\s*=\\s*" + population.crowd.id() + "\\b");
        for (final String sql : statements) {
            final StatementKind kind = StatementKind.of(sql);
            if (kind == StatementKind.ACCOUNT_BY_EMAIL && sql.contains(Population.CROWD_EMAIL)) {
                aa.crowdAccountLoads++;
            } else if (kind == StatementKind.PAIRED_DEVICES && planOfCrowd.matcher(sql).find()) {
                aa.crowdPlanLoads++;
            } else if (kind.clientId()) {
                aa.crowdClientIdStatements++;
            }
        }
        say("account-auth: " + aa.crowd.describe() + "; DB: " + aa.crowdDb.describe());
    }

    private int qosParts() {
        return 2 * qosRounds;
    }

    /**
     * QoS 1 in rounds of account-auth, allow-all, floor, floor, allow-all, account-auth: two parts per broker and
     * round. The floor's receivers are subscribed server-side like account-auth's, without permissions to check.
     */
    private void qos(final Side aa, final Side al, final Side fl) throws Exception {
        final int part = qosMessages / qosParts();
        say(String.format("QoS 1: %d devices -> %d users, per broker %d x (%,d warm-up + %,d measured) messages, " +
                "alternating brokers, after an unmeasured lead-in part (%d x the warm-up)", qosDevices,
                qosDevices / 2, 2 * qosRounds, qosWarmup, part, LEAD_IN_QOS_WARMUPS));
        // each broker's first part came out its slowest, even after 3 x the warm-up within it: whatever the first
        // part of a broker pays for, it pays in a part nobody measures
        for (final Side side : List.of(aa, al, fl)) {
            final MqttLoad.Qos leadIn = side.load.qos(population, qosDevices, side == al,
                    LEAD_IN_QOS_WARMUPS * qosWarmup, part, qosInFlight, MqttLoad.Hook.NONE);
            say(side.name + ": QoS 1 lead-in part (not measured): " + leadIn.describe());
        }
        final List<Side> order = new ArrayList<>();
        for (int round = 0; round < qosRounds; round++) {
            order.addAll(List.of(aa, al, fl, fl, al, aa));
        }
        for (final Side side : order) {
            final boolean selfSubscribe = side == al;
            final CpuMeter.Sample[] machine = new CpuMeter.Sample[1];
            final BrokerCpu.Reading[] reading = new BrokerCpu.Reading[1];
            side.qosParts++;
            final long[] clientsNanos = new long[1];
            profileStart(side, "qos-" + side.qosParts);
            final MqttLoad.Qos measured = side.load.qos(population, qosDevices, selfSubscribe, qosWarmup, part,
                    qosInFlight, new MqttLoad.Hook() {
                        @Override
                        public void before() throws Exception {
                            settle(side);
                            machine[0] = CpuMeter.sample();
                            reading[0] = side.cpu();
                            clientsNanos[0] = CpuMeter.ownProcessNanos();
                        }

                        @Override
                        public void after(final long units) throws Exception {
                            final long clients = CpuMeter.ownProcessNanos() - clientsNanos[0];
                            final BrokerCpu.Usage usage = BrokerCpu.Usage.between(reading[0], side.cpu(), units);
                            side.qosCpu = side.qosCpu.plus(usage);
                            noteCpu(side.name + " QoS 1", machine[0], CpuMeter.sample());
                            noteCosts(side.name + " QoS 1", usage, clients, "message");
                        }
                    });
            profileStop(side);
            side.qos = side.qos == null ? measured : side.qos.plus(measured);
            side.qosPartRates.add(measured.rate());
            say(side.name + ": QoS 1: " + measured.describe());
        }
        for (final Side side : List.of(aa, al, fl)) {
            say(side.name + ": broker " + side.qosCpu.describe("message") + "; " + qosBusyCores(side));
        }
    }

    private void allowAllAfterRestart(final Side al) throws Exception {
        al.broker.call("restart", Duration.ofMinutes(3));
        al.afterRestart = measured("allow-all storm after restart", al,
                () -> al.load.storm("storm after restart", al.clients, coldInFlight, 600),
                MqttLoad.Storm::connected, (usage, clients) -> { });
        say("allow-all: " + al.afterRestart.describe());
        al.load.disconnectAll(al.clients);
    }

    // ---------------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Phase<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void unchecked(final Exception[] failure, final Step step) {
        if (failure[0] != null) {
            return;
        }
        try {
            step.run();
        } catch (final Exception e) {
            failure[0] = e;
        }
    }

    @FunctionalInterface
    private interface UsageSink {
        /** The broker's CPU in the phase, and the clients' (this JVM's) CPU nanoseconds. */
        void accept(BrokerCpu.Usage usage, long clientsNanos);
    }

    /** Runs a measured phase: the broker's CPU time, and how busy the machine was and how much others took. */
    private <T> T measured(final String label, final Side side, final Phase<T> phase, final ToLongFunction<T> units,
                           final UsageSink sink) throws Exception {
        settle(side);
        final long overflowsBefore = CpuMeter.listenOverflows();
        final CpuMeter.Sample from = CpuMeter.sample();
        final BrokerCpu.Reading before = side.cpu();
        final long clientsBefore = CpuMeter.ownProcessNanos();
        final T result = phase.run();
        final long clientsNanos = CpuMeter.ownProcessNanos() - clientsBefore;
        final BrokerCpu.Reading after = side.cpu();
        noteCpu(label, from, CpuMeter.sample());
        final long overflows = CpuMeter.listenOverflows() - overflowsBefore;
        if (overflowsBefore >= 0 && overflows > 0) {
            // a dropped SYN comes back after TCP's 1 s timeout: the phase then measured the timer, not the broker
            listenOverflows += overflows;
            final String line = String.format("%s: the kernel dropped %,d connection(s), listen queue full; each " +
                    "client retried after 1 s", label, overflows);
            cpuLog.add(line);
            say("  " + line);
        }
        final BrokerCpu.Usage usage = BrokerCpu.Usage.between(before, after, units.applyAsLong(result));
        noteCosts(label, usage, clientsNanos, "connect");
        sink.accept(usage, clientsNanos);
        return result;
    }

    /**
     * Before a measured phase, on both sides alike: a full GC in the broker (garbage the phases before left in the old
     * generation would otherwise be collected in whichever phase comes next, and land on one side's figure), then a
     * wait until the broker is quiet.
     */
    private void settle(final Side side) throws InterruptedException {
        // the driver's own collections (up to 330 ms seen) must not land in a storm of 2 s either: it has a young
        // generation (run.sh) that holds a whole phase's garbage, emptied here
        System.gc();
        side.broker.heapAfterGc();
        final long deadline = System.nanoTime() + QUIET_MAX.toNanos();
        final long limit = (long) (QUIET_WINDOW.toNanos() * QUIET_CORE_SHARE);
        long before = side.cpu().process();
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_WINDOW.toMillis());
            final long now = side.cpu().process();
            if (now - before < limit) {
                return;
            }
            before = now;
        }
        say("  " + side.name + ": broker still busy after " + QUIET_MAX.toSeconds() + " s; measuring anyway");
        unquiet++;
    }

    /**
     * The broker's and the clients' CPU per unit of a phase. The clients do the same work per connect or message
     * whatever the broker, so their figure moving says the machine's speed moved (2 vCPUs whose pace drifts).
     */
    private void noteCosts(final String label, final BrokerCpu.Usage usage, final long clientsNanos,
                           final String unit) {
        if (usage.units() <= 0) {
            return;
        }
        final String line = String.format("%s: broker %.0f us, clients (the driver's JVM) %.0f us of CPU per %s",
                label, usage.process() / 1e3 / usage.units(), clientsNanos / 1e3 / usage.units(), unit);
        cpuLog.add(line);
        say("  " + line);
    }

    private void noteCpu(final String label, final CpuMeter.Sample from, final CpuMeter.Sample to) {
        final double others = CpuMeter.others(from, to);
        maxOthersCpu = Math.max(maxOthersCpu, others);
        if (others > DISTURBED_PERCENT) {
            disturbed.add(label);
        }
        final String line = label + ": " + CpuMeter.describe(from, to);
        cpuLog.add(line);
        say("  " + line);
    }

    private Path histogram(final Side side, final String when) throws InterruptedException {
        final Path file = artifacts.resolve(side.name + "-histogram-" + when + ".txt");
        side.broker.call("histogram " + file, Duration.ofMinutes(2));
        return file;
    }

    /** With -Dbench.jfr=true, a JFR recording ("profile" settings) of the broker JVM per measured phase. */
    private void profileStart(final Side side, final String phase) throws InterruptedException {
        if (Boolean.getBoolean("bench.jfr")) {
            side.broker.call("jfr-start " + artifacts.resolve(side.name + "-" + phase + ".jfr"),
                    Duration.ofMinutes(1));
        }
    }

    private void profileStop(final Side side) throws InterruptedException {
        if (Boolean.getBoolean("bench.jfr")) {
            side.broker.call("jfr-stop", Duration.ofMinutes(2));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private double bcryptMillis() {
        return Math.min(bcryptMillisFirst, bcryptMillisLast);
    }

    private String table(final Side aa, final Side al, final Side fl, final int clients) {
        final double bcryptMillis = bcryptMillis();
        final double bound = cores * 1000.0 / bcryptMillis;
        final StringBuilder t = new StringBuilder();
        t.append("| scenario | account-auth | allow-all | ratio or figure | bar | met? |\n");
        t.append("| --- | --- | --- | --- | --- | --- |\n");

        final double warmRatio = aa.warmRate() / al.warmRate();
        row(t, String.format("reconnect storm, warm caches: %,d clients, <= %d CONNECTs in flight (median of %d)",
                        clients, warmInFlight, warmRounds),
                String.format("%,.0f connects/s", aa.warmRate()), String.format("%,.0f connects/s", al.warmRate()),
                String.format("%.2f", warmRatio), ">= 0.90 x allow-all",
                met(warmRatio >= 0.9 && failures(aa.warm) == 0));

        final double coldRatio = aa.first.rate() / bound;
        row(t, String.format("cold storm after restart (empty caches): %,d clients = %,d bcrypt checks, <= %d in " +
                        "flight", clients, clients, coldInFlight),
                String.format("%,.1f connects/s", aa.first.rate()),
                String.format("%,.0f connects/s", al.afterRestart.rate()),
                String.format("%.2f x bcrypt bound (%d cores / %.1f ms = %.1f/s)", coldRatio, cores, bcryptMillis,
                        bound), ">= 0.80 x bcrypt bound", met(coldRatio >= 0.8 && aa.first.failures().isEmpty()));

        final long warmConnects = aa.warm.stream().mapToLong(MqttLoad.Storm::connected).sum();
        final double warmPerConnect = (double) aa.warmDb.perConnectTotal() / warmConnects;
        row(t, String.format("DB queries per connect, warm (%,d connects)", warmConnects),
                String.format("%.3f (%,d statements)", warmPerConnect, aa.warmDb.perConnectTotal()), "-",
                String.format("%.3f", warmPerConnect), "0", met(aa.warmDb.perConnectTotal() == 0));

        final double coldPerConnect = (double) aa.coldDb.perConnectTotal() / aa.first.connected();
        final double coldPrincipal = (double) aa.coldDb.principalLoads() / aa.first.connected();
        final double coldClientId = (double) aa.coldDb.clientIdStatements() / aa.first.connected();
        row(t, String.format("DB queries per connect, cold (%,d connects)", aa.first.connected()),
                String.format("%.2f = %.2f principal/pairings + %.2f client-id bind", coldPerConnect, coldPrincipal,
                        coldClientId), "-", String.format("%.2f", coldPerConnect), "<= 2",
                met(coldPerConnect <= 2.0) + (coldPerConnect > 2.0 && coldPrincipal <= 2.0 ?
                        String.format(" (%.2f without the client-id bind)", coldPrincipal) : ""));

        row(t, String.format("%d clients of one account at once (distinct client ids, account not cached)",
                        crowdSize),
                String.format("%d account load, %d pairings load, %d client-id statements; %d admitted in %.0f ms",
                        aa.crowdAccountLoads, aa.crowdPlanLoads, aa.crowdClientIdStatements, aa.crowd.connected(),
                        aa.crowd.seconds() * 1000), "-",
                String.format("%d load", aa.crowdAccountLoads), "1 load",
                met(aa.crowdAccountLoads == 1 && aa.crowdPlanLoads == 1 && aa.crowd.connected() == crowdSize));

        final double qosRatio = aa.qos.rate() / al.qos.rate();
        row(t, String.format("QoS 1 throughput: %d devices -> %d paired users, %,d msgs (%d parts, A B C C B A), <= %d " +
                        "in flight", qosDevices, qosDevices / 2, qosMessages / qosParts() * qosParts(), qosParts(),
                qosInFlight),
                String.format("%,.0f msgs/s", aa.qos.rate()), String.format("%,.0f msgs/s", al.qos.rate()),
                String.format("%.2f", qosRatio), ">= 0.95 x allow-all",
                met(qosRatio >= 0.95 && aa.qos.delivered() == aa.qos.messages() && aa.qos.publishFailures() == 0));
        final double p99Ratio = aa.qos.p99Millis() / al.qos.p99Millis();
        row(t, "QoS 1 latency p99 (p50), publish to delivery",
                String.format("%.1f ms (%.1f)", aa.qos.p99Millis(), aa.qos.p50Millis()),
                String.format("%.1f ms (%.1f)", al.qos.p99Millis(), al.qos.p50Millis()),
                String.format("%.2f", p99Ratio), "<= 1.10 x allow-all", met(p99Ratio <= 1.1));

        // live objects (class histogram) rather than "used heap": the latter also counts G1's half-filled regions
        // and varies by +-150 B per client between runs of the same code
        final double extensionPerClient = aa.liveHeapPerClient() - al.liveHeapPerClient();
        row(t, String.format("heap per connected client (%,d connected; live objects after full GC)",
                        aa.heapClients),
                String.format("%,.0f B", aa.liveHeapPerClient()), String.format("%,.0f B", al.liveHeapPerClient()),
                String.format("extension: %,.0f B per client (used heap after GC: %,.0f B)", extensionPerClient,
                        aa.heapPerClient() - al.heapPerClient()), "<= 2 KiB per client",
                met(extensionPerClient <= 2048));

        final double subscribingRatio = aa.warmRate() / Side.median(al.warmSubscribing);
        row(t, "(reference, no bar) the warm storm against allow-all clients that subscribe themselves after " +
                        "CONNACK to what account-auth subscribes them to server-side",
                String.format("%,.0f connects/s", aa.warmRate()),
                String.format("%,.0f connects/s", Side.median(al.warmSubscribing)),
                String.format("%.2f", subscribingRatio), "-", "-");
        row(t, "(reference, no bar) the warm storm against the floor: allow-all plus a client initializer that " +
                        "makes account-auth's server-side subscriptions, with none of account-auth's checks",
                String.format("%,.0f connects/s", aa.warmRate()), String.format("%,.0f connects/s", fl.warmRate()),
                String.format("%.2f (the floor against allow-all: %.2f)", aa.warmRate() / fl.warmRate(),
                        fl.warmRate() / al.warmRate()), "-", "-");
        final double usualClientsMicros = usualClientsMicros(aa, al, fl);
        row(t, "(reference, no bar) the warm storm at the machine's usual speed: each storm's rate x its clients' " +
                        "CPU per connect / the median of that over all warm storms of the run (the clients do the " +
                        "same work per connect whatever the broker: their CPU per connect moving says the machine's " +
                        "speed moved)",
                String.format("%,.0f connects/s", aa.warmRateAtUsualSpeed(usualClientsMicros)),
                String.format("%,.0f connects/s", al.warmRateAtUsualSpeed(usualClientsMicros)),
                String.format("%.2f (the floor against allow-all: %.2f)",
                        aa.warmRateAtUsualSpeed(usualClientsMicros) / al.warmRateAtUsualSpeed(usualClientsMicros),
                        fl.warmRateAtUsualSpeed(usualClientsMicros) / al.warmRateAtUsualSpeed(usualClientsMicros)),
                "-", "-");
        row(t, "(reference, no bar) QoS 1 against the floor, whose receivers are subscribed server-side like " +
                        "account-auth's and which checks no permissions",
                String.format("%,.0f msgs/s, p99 %.1f ms", aa.qos.rate(), aa.qos.p99Millis()),
                String.format("%,.0f msgs/s, p99 %.1f ms", fl.qos.rate(), fl.qos.p99Millis()),
                String.format("%.2f, p99 %.2f (the floor against allow-all: %.2f, p99 %.2f)",
                        aa.qos.rate() / fl.qos.rate(), aa.qos.p99Millis() / fl.qos.p99Millis(),
                        fl.qos.rate() / al.qos.rate(), fl.qos.p99Millis() / al.qos.p99Millis()), "-", "-");
        row(t, String.format("(reference, no bar) what account-auth adds per message: HiveMQ's inline check of a " +
                        "device's PUBLISH against its %d default permissions (timed in a loop, one thread)",
                        permissionCheck.permissions()),
                String.format("%.0f ns", permissionCheck.deviceNanos()),
                String.format("%.0f ns", permissionCheck.allowAllNanos()),
                String.format("+%.2f us per message; the broker spent %.0f us of CPU per message",
                        (permissionCheck.deviceNanos() - permissionCheck.allowAllNanos()) / 1000,
                        aa.qosCpu.microsPerUnit()), "-", "-");
        return t.toString();
    }

    private static long failures(final List<MqttLoad.Storm> storms) {
        return storms.stream().mapToLong(s -> s.clients() - s.connected()).sum();
    }

    private static void row(final StringBuilder t, final String... cells) {
        t.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String met(final boolean met) {
        return met ? "yes" : "**no**";
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Path writeResults(final String table, final Side aa, final Side al, final Side fl,
                              final String mariaDbVersion) throws IOException {
        // the default N with clean sessions gives the results file of the day; other runs get their own
        final Path file = project.resolve("bench/results-" + LocalDate.now() + (n == 10_000 ? "" : "-n" + n) +
                (Long.getLong("bench.sessionExpiry", 0) > 0 ? "-persistent-sessions" : "") + ".md");
        final int clients = population.devices.size() + population.users.size();
        final StringBuilder out = new StringBuilder();
        out.append("# account-auth benchmark, ").append(LocalDate.now()).append("\n\n");
        out.append(String.format("- N = %,d devices and %,d users (each user owner of 2 devices): %,d clients%n", n,
                population.users.size(), clients));
        out.append("- machine: ").append(cores).append(" cores (nproc), ").append(cpuModel()).append(", ")
                .append(String.format("%.0f GiB RAM", totalMemoryGiB())).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append('\n');
        out.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; each broker JVM -Xms/-Xmx")
                .append(brokerHeapMb).append("m -Xmn").append(brokerYoungMb).append("m, the driver's -Xmx")
                .append(Runtime.getRuntime().maxMemory() >> 20).append("m; default GC (G1)\n");
        out.append("- HiveMQ CE ").append(hivemqVersion()).append(" embedded; MariaDB ").append(mariaDbVersion)
                .append("; HiveMQ MQTT Client, MQTT 5, plain TCP on 127.0.0.1\n");
        final String settings = System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench."))
                .sorted().map(k -> "-D" + k + "=" + System.getProperty(k)).reduce((a, b) -> a + " " + b)
                .orElse("none (defaults)");
        out.append("- non-default settings: ").append(settings).append('\n');
        out.append(String.format("- bcrypt cost %d, one check: %.1f ms at the start, %.1f ms at the end; the bound " +
                "uses the faster%n", BCRYPT_COST, bcryptMillisFirst, bcryptMillisLast));
        out.append(String.format("- connections the kernel dropped during the measured phases, listen queue full " +
                "(ListenOverflows): %,d%n", listenOverflows));
        out.append(String.format("- run time: %.1f min; other processes took at most %.1f%% of the machine's CPU " +
                "during a measured phase%s%s%n%n", (System.nanoTime() - T0) / 60e9, maxOthersCpu,
                disturbed.isEmpty() ? "" : " (over " + (int) DISTURBED_PERCENT + "% in: " +
                        String.join(", ", disturbed) + ")",
                unquiet == 0 ? "" : "; " + unquiet + " phase(s) started before their broker was quiet"));
        out.append(table).append('\n');
        out.append("## How it was measured\n\n");
        out.append(String.format("""
                - One private MariaDB (conf/schema.sql), seeded with batched INSERTs. All devices share one bcrypt hash
                  (cost %d) and all users another: hashing %,d passwords at that cost would take about %.0f s. It does
                  not make checks cheaper: the extension verifies and caches each principal's password on its own.
                  Every storm client id was bound to its principal in `client_ids` beforehand, as after a restart.
                """, BCRYPT_COST, clients, clients * bcryptMillis() / 1000 / cores));
        out.append("""
                - account-auth: the test broker (`TestBroker`, external-database mode) with the built ZIP, the shipped
                  `conf/config.xml` (only the DB URL and credentials filled in: a worker per core, 2 s change-feed
                  poll, INFO log to a file). It is restarted once before the cold storm, so every cache is empty.
                - allow-all: the same HiveMQ (the test broker's rendered `config.xml`, other ports, file persistence)
                  with an embedded extension whose authenticator calls `authenticateSuccessfully()`; no authorizer.
                - floor (reference): allow-all in a third JVM, plus a client initializer that subscribes each new
                  session server-side to what account-auth subscribes it to and reads a resumed session's
                  subscriptions to add what is missing: the HiveMQ work that server-side subscriptions cost, with
                  none of account-auth's checks, caches and permissions.
                - Each broker has its own JVM with the same heap. From the first comparison on both are up (the idle
                  one costs next to nothing) and compared measurements alternate A B B A. The clients run in the
                  driver's JVM on the same machine and share its cores (the open-files limit also keeps clients and
                  broker in separate processes).
                - Storms: every device and user connects (MQTT 5, clean start unless -Dbench.sessionExpiry), at most
                  the stated number of CONNECTs waiting for their CONNACK; connects/s = clients / (last CONNACK -
                  first CONNECT). Between storms all clients disconnect. allow-all's cold figure is its storm after a
                  restart (nothing to verify). The warm figure is the median of the rounds.
                - bcrypt bound: cores / the median time of one `BCrypt.checkpw` at the hashes' cost in the driver's
                  JVM (one thread, before and after the brokers ran; the faster counts).
                - DB queries: MariaDB's general query log (log_output=TABLE), only the extension's DB user, each
                  statement classified by its config.xml query; change-feed polls are left out of the per-connect
                  figures. A cold device connect reads its row, a cold user its row and its pairings; the row's
                  statement (device-by-mac, account-by-email) also reads the owner of the connect's client id. The rest
                  are the client-id statements (bind-client-id, client-id-owner): binding a client id never bound
                  before and reading back who won, or reading the owner of a client id whose principal's row another
                  connect had loaded.
                - 100 clients of one account: 100 distinct client ids, all CONNECTs sent at once, for an account that
                  was never connected; "load" = statements that read that account's row (and its pairings).
                - QoS 1: devices publish 64-byte messages to `/orbweb/ipcam/motiondetector/<uid>`; each paired user
                  receives (account-auth and the floor: server-side subscriptions; allow-all: the users subscribe to
                  the same filters). A message counts when first delivered; at most the stated number of messages
                  are between publish and delivery. Latency = delivery - publish (one JVM clock). Per broker %d
                  parts, each after a warm-up, in rounds of account-auth, allow-all, floor, floor, allow-all,
                  account-auth; the rate is all messages over the parts' summed time.
                - Heap: the bytes of all live objects (`GC.class_histogram`, which runs a full GC) in the broker's
                  JVM, before any client and with every client connected (after the first storm; allow-all's clients
                  subscribed to what account-auth subscribes them to). Per client = difference / clients; the
                  extension's share = account-auth's minus allow-all's. The used heap after full GCs is given too:
                  it also counts G1's partly filled regions and moves by about 150 B per client between runs of the
                  same code, the live bytes by about 10 B.
                - Every measured phase (storm, QoS part) starts after a full GC in the driver and in its broker, on both
                  sides, once the broker has spent under 5%% of a core for 250 ms (at most 30 s of waiting).
                - Garbage collection: each broker JVM has a small fixed young generation (-Xmn), so a storm's
                  collections follow what it allocates. Left to G1, the young generation's size (0.8 to 1.8 GB, set by
                  each JVM's history) decided whether a storm of 2 s held a collection at all, on one side or the
                  other. The driver's young generation (half its heap) holds a whole phase's garbage, so its own
                  collections (50-330 ms pauses with G1's sizing) fall between phases.
                - Warm-up, unmeasured: %d storms per broker before the warm storms (plus one of allow-all's clients
                  subscribing themselves), and a lead-in QoS part per broker (%d x the warm-up messages, then a part)
                  before the measured ones.
                - Broker CPU: CPU time of the broker JVM during the phase (ThreadMXBean per thread, grouped by thread
                  name; "JVM" = GC, JIT and other non-Java threads), divided by connects or delivered messages.
                - Clients' CPU: CPU time of the driver's JVM (the MQTT clients) during each measured phase, per
                  connect or message (the list at the end). The clients do the same work per connect whatever the
                  broker; their figure rising says the machine ran slower (2 vCPUs whose pace drifted by up to a
                  third within minutes, the brokers' figures rising with it). The reference row "at the machine's
                  usual speed" scales each warm storm's rate by it.
                """.formatted(qosParts(), warmupStorms, LEAD_IN_QOS_WARMUPS));
        out.append("\n## Broker CPU\n\n");
        out.append(cpuTable("warm storms, per connect", aa.warmCpu, al.warmCpu, "allow-all"));
        out.append(cpuTable("warm storms: allow-all clients subscribing themselves, per connect", aa.warmCpu,
                al.warmSubscribingCpu, "allow-all + SUBSCRIBE"));
        out.append(cpuTable("warm storms: the floor (allow-all + server-side subscriptions), per connect", aa.warmCpu,
                fl.warmCpu, "floor"));
        out.append(cpuTable("QoS 1, per delivered message", aa.qosCpu, al.qosCpu, "allow-all"));
        out.append(cpuTable("QoS 1: the floor (allow-all + server-side subscriptions), per delivered message",
                aa.qosCpu, fl.qosCpu, "floor"));
        out.append(cpuTable("cold storm (account-auth) and first storm (allow-all), per connect", aa.firstCpu,
                al.firstCpu, "allow-all"));
        out.append("## Details\n\n```\n");
        for (final Side side : List.of(aa, al)) {
            out.append(side.name).append(":\n");
            out.append("  ").append(side.first.describe()).append('\n');
            if (side.afterRestart != null) {
                out.append("  ").append(side.afterRestart.describe()).append('\n');
            }
            side.warm.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
            if (side == aa) {
                final StringBuilder ratios = new StringBuilder("  warm storms, account-auth / allow-all per round:");
                for (int i = 0; i < Math.min(aa.warm.size(), al.warm.size()); i++) {
                    ratios.append(String.format(" %.2f", aa.warm.get(i).rate() / al.warm.get(i).rate()));
                }
                out.append(ratios).append('\n');
            }
            side.warmSubscribing.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
            if (side.coldDb != null) {
                out.append("  DB, cold storm: ").append(side.coldDb.describe()).append('\n');
                out.append("  DB, warm storms: ").append(side.warmDb.describe()).append('\n');
                out.append("  ").append(side.crowd.describe()).append("; DB: ").append(side.crowdDb.describe())
                        .append('\n');
                if (!side.coldDb.otherSamples().isEmpty()) {
                    out.append("  other statements, e.g.: ").append(side.coldDb.otherSamples()).append('\n');
                }
            }
            out.append("  QoS 1: ").append(side.qos.describe()).append('\n');
            out.append("  QoS 1, each part in order (msgs/s): ").append(partRates(side)).append('\n');
            out.append(String.format("  heap: %,d B before, %,d B with %,d clients connected%n", side.heapBefore,
                    side.heapConnected, side.heapClients));
        }
        out.append("floor:\n");
        fl.warm.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
        out.append("  QoS 1: ").append(fl.qos.describe()).append('\n');
        out.append("  QoS 1, each part in order (msgs/s): ").append(partRates(fl)).append('\n');
        for (final Side side : List.of(aa, al, fl)) {
            out.append(side.name).append(", warm storms: ").append(busyCores(side)).append('\n');
        }
        for (final Side side : List.of(aa, al, fl)) {
            out.append(side.name).append(", QoS 1: ").append(qosBusyCores(side)).append('\n');
        }
        out.append("CPU during the measured phases (other processes = not the driver, a broker JVM or MariaDB):\n");
        cpuLog.forEach(line -> out.append("  ").append(line).append('\n'));
        out.append("```\n\n");
        out.append(histogramDiff(aa, al));
        out.append("## Notes\n\n");
        notes.forEach(note -> out.append("- ").append(note).append('\n'));
        Files.writeString(file, out.toString());
        return file;
    }

    private static String partRates(final Side side) {
        return side.qosPartRates.stream().map(rate -> String.format("%,.0f", rate)).reduce((a, b) -> a + ", " + b)
                .orElse("-");
    }

    private static String cpuTable(final String title, final BrokerCpu.Usage aa, final BrokerCpu.Usage al,
                                   final String alName) {
        final StringBuilder out = new StringBuilder("### ").append(title).append(" (microseconds)\n\n");
        out.append("| thread group | account-auth | ").append(alName).append(" | difference |\n");
        out.append("| --- | ---: | ---: | ---: |\n");
        final Map<String, Double> a = aa.perUnit();
        final Map<String, Double> b = al.perUnit();
        final Set<String> groups = new LinkedHashSet<>(a.keySet());
        groups.addAll(b.keySet());
        for (final String group : groups) {
            final double x = a.getOrDefault(group, 0.0);
            final double y = b.getOrDefault(group, 0.0);
            out.append(String.format("| %s | %,.0f | %,.0f | %+,.0f |%n", group, x, y, x - y));
        }
        out.append(String.format("| **whole broker JVM** | **%,.0f** | **%,.0f** | **%+,.0f** |%n%n",
                aa.microsPerUnit(), al.microsPerUnit(), aa.microsPerUnit() - al.microsPerUnit()));
        return out.toString();
    }

    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /**
     * The classes whose live heap grows most per connected client with account-auth, beyond what it grows with
     * allow-all: (connected - before) of account-auth minus the same of allow-all.
     */
    private String histogramDiff(final Side aa, final Side al) throws IOException {
        final Map<String, long[]> diff = new HashMap<>();
        add(diff, histogram(aa.histogram), 1);
        add(diff, histogram(aa.histogramBefore), -1);
        add(diff, histogram(al.histogram), -1);
        add(diff, histogram(al.histogramBefore), 1);
        final StringBuilder out = new StringBuilder("## Heap per client: where account-auth's share goes\n\n");
        out.append(String.format("Live objects by class (`GC.class_histogram`): growth from no client to %,d " +
                "connected clients, account-auth's growth minus allow-all's; the largest.%n%n", aa.heapClients));
        out.append("| class | instances | bytes | bytes per client |\n| --- | ---: | ---: | ---: |\n");
        diff.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -Math.abs(e.getValue()[1])))
                .limit(20)
                .forEach(e -> out.append(String.format("| `%s` | %+,d | %+,d | %+,.0f |%n", e.getKey(),
                        e.getValue()[0], e.getValue()[1], (double) e.getValue()[1] / Math.max(1, aa.heapClients))));
        final long total = diff.values().stream().mapToLong(v -> v[1]).sum();
        out.append(String.format("%nSum over all classes: %+,d B (%+,.0f B per client).%n%n", total,
                (double) total / Math.max(1, aa.heapClients)));
        return out.toString();
    }

    private static void add(final Map<String, long[]> into, final Map<String, long[]> histogram, final int sign) {
        histogram.forEach((k, v) -> into.merge(k, new long[]{sign * v[0], sign * v[1]},
                (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]}));
    }

    private static long liveBytes(final Path histogram) throws IOException {
        return histogram(histogram).values().stream().mapToLong(v -> v[1]).sum();
    }

    private static Map<String, long[]> histogram(final Path file) throws IOException {
        final Map<String, long[]> classes = new HashMap<>();
        for (final String line : Files.readAllLines(file)) {
            final Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]});
            }
        }
        return classes;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Median time of one bcrypt check, after a warm-up. */
    private static double bcryptMillis(final String hash) {
        for (int i = 0; i < 5; i++) {
            BCrypt.checkpw(Population.USER_PASSWORD, hash);
        }
        final long[] nanos = new long[21];
        for (int i = 0; i < nanos.length; i++) {
            final long start = System.nanoTime();
            if (!BCrypt.checkpw(Population.USER_PASSWORD, hash)) {
                throw new IllegalStateException("bcrypt check failed");
            }
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1e6;
    }

    /** Checks per second with {@code threads} threads checking at once (8 checks each). */
    private static double bcryptParallelRate(final String hash, final int threads) throws InterruptedException {
        final int each = 8;
        final List<Thread> workers = new ArrayList<>();
        final long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            final Thread t = new Thread(() -> {
                for (int k = 0; k < each; k++) {
                    BCrypt.checkpw(Population.USER_PASSWORD, hash);
                }
            });
            t.start();
            workers.add(t);
        }
        for (final Thread t : workers) {
            t.join();
        }
        return threads * each / ((System.nanoTime() - start) / 1e9);
    }

    /** The built ZIP with conf/config.xml = the shipped one, DB URL and credentials filled in. */
    private Path benchZip(final MariaDbServer server) throws IOException {
        return ExtensionZip.withConfig(EmbeddedBroker.shippedConfigFor(server.jdbcUrl(), server.appUser(),
                server.appPassword()), artifacts.resolve("account-auth-bench.zip"));
    }

    /** The test broker's rendered HiveMQ config with every listener on a new free port; returns the TCP port. */
    private static int allowAllConfig(final Path accountAuthConfig, final Path conf) throws Exception {
        Files.createDirectories(conf);
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final Document document = factory.newDocumentBuilder().parse(accountAuthConfig.toFile());
        int tcpPort = -1;
        final Element listeners = (Element) document.getElementsByTagName("listeners").item(0);
        final NodeList children = listeners.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element listener) {
                final int port = HiveMqLauncher.freePort();
                listener.getElementsByTagName("port").item(0).setTextContent(Integer.toString(port));
                if (listener.getTagName().equals("tcp-listener")) {
                    tcpPort = port;
                }
            }
        }
        final var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        try (OutputStream out = Files.newOutputStream(conf.resolve("config.xml"))) {
            transformer.transform(new DOMSource(document), new StreamResult(out));
        }
        return tcpPort;
    }

    private static List<String> brokerJvm() {
        final String extra = System.getenv("BENCH_BROKER_JVM_OPTS");
        return extra == null || extra.isBlank() ? List.of() : Arrays.asList(extra.trim().split("\\s+"));
    }

    private void checkFileDescriptors(final int clients) throws IOException {
        final Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return;
        }
        for (final String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                final String[] words = line.substring("Max open files".length()).trim().split("\\s+");
                final long soft = words[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(words[0]);
                if (soft < clients + 2000L) {
                    throw new IllegalStateException(String.format("%,d clients need about %,d open files per " +
                            "process, but the limit is %,d: raise 'ulimit -n' or run with a smaller N", clients,
                            clients + 2000, soft));
                }
                notes.add(String.format("Open-files limit of each process: %,d.", soft));
            }
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (final IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    private static double totalMemoryGiB() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong).findFirst().orElse(0) / 1024.0 / 1024.0;
        } catch (final IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String hivemqVersion() {
        final Matcher m = Pattern.compile("hivemq-community-edition-embedded-([^/:]+)\\.jar")
                .matcher(System.getProperty("java.class.path"));
        return m.find() ? m.group(1) : "?";
    }
}
