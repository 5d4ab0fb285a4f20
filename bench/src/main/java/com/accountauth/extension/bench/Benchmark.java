package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.Folders;
import com.accountauth.extension.testsupport.MariaDbServer;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The account-auth benchmark ({@code bench/run.sh [N]}): a private MariaDB seeded with N devices and N/2 users, the
 * test broker with the extension, and the same HiveMQ with an allow-all authenticator, both driven by real MQTT 5
 * clients over loopback; prints one table with both side by side and writes it to {@code bench/results-<date>.md}.
 * A third broker, the floor (allow-all plus the extension's server-side subscriptions), is a reference for the warm
 * storms and QoS 1.
 * <p>
 * Each broker runs in its own JVM ({@link BenchBroker}, started by {@link BenchBrokers}) with the same heap and the
 * same HiveMQ configuration. All stay up from the first comparison on, and the compared measurements alternate
 * between them (A B B A), so that whatever else the machine does touches both alike; an idle broker costs next to
 * nothing. The clients, the MariaDB and this driver share the machine with them.
 * <p>
 * This class only runs the scenarios in order, each returning its result: {@link ColdStorm}, {@link FirstStorm},
 * {@link WarmStorms}, {@link FastSchemeStorm}, {@link Crowd}, {@link QosThroughput}, {@link RestartStorm}; {@link PhaseMeter} measures their
 * phases alike and {@link BenchReport} writes the table and the results file.
 */
public final class Benchmark {

    private static final long T0 = System.nanoTime();

    private final BenchSettings settings;
    private final Path project;
    private final Path artifacts;
    private final Population population;
    private final PhaseMeter meter;
    private final List<String> notes = new ArrayList<>();

    private Benchmark(final int n) throws IOException {
        this.settings = BenchSettings.fromProperties(n);
        this.project = EmbeddedBroker.projectDir();
        this.artifacts = project.resolve("target/bench-" +
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(artifacts);
        this.population = new Population(n);
        this.meter = new PhaseMeter(artifacts, settings.jfr());
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

    private void run() throws Exception {
        final int n = settings.n();
        final int cores = settings.cores();
        final int bcryptCost = settings.bcryptCost();
        final String commit = MachineFacts.commit(project);
        final List<Population.Login> everyone = population.everyone();
        checkFileDescriptors(everyone.size());
        say(String.format("account-auth benchmark: N = %,d devices, %,d users (%,d clients); %d cores; artifacts in %s",
                n, population.users.size(), everyone.size(), cores, project.relativize(artifacts)));
        say("code measured: commit " + commit);

        final String deviceHash = BCrypt.hashpw(Population.DEVICE_PASSWORD, BCrypt.gensalt(bcryptCost));
        final String userHash = BCrypt.hashpw(Population.USER_PASSWORD, BCrypt.gensalt(bcryptCost));
        final double bcryptMillisFirst = BcryptTiming.millis(userHash);
        say(String.format("bcrypt cost %d: one check takes %.1f ms (median of 21, one thread, idle machine)",
                bcryptCost, bcryptMillisFirst));
        final double parallel = BcryptTiming.parallelRate(userHash, cores);
        notes.add(String.format("For reference, %d threads checking bcrypt at once in the driver's JVM (nothing else " +
                        "running): %.1f checks/s = %.2f x the bound; that is what the cores give to bcrypt alone.",
                cores, parallel, parallel * bcryptMillisFirst / 1000.0 / cores));
        say(notes.get(notes.size() - 1));
        // the extension runs no code per message; what it costs per message is this check in HiveMQ's event loops
        // (bench/permission-check.sh measures it with JMH)
        final PermissionCheckCost.Result permissionCheck =
                PermissionCheckCost.measure(project.resolve("conf/config.xml"), population.devices.get(0));
        say(permissionCheck.describe());

        final BenchBrokers brokers = new BenchBrokers(artifacts, settings.brokerHeapMb(), settings.brokerYoungMb());
        final List<BrokerSide> started = new ArrayList<>();
        final String mariaDbVersion;
        final ColdStorm.Result cold;
        final FirstStorm.Result allowAllFirst;
        final WarmStorms.Result warm;
        final FastSchemeStorm.Result fast;
        final Crowd.Result crowd;
        final Map<String, QosThroughput.Result> qos;
        final MqttLoad.Storm allowAllAfterRestart;
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
                final BrokerSide aa = brokers.accountAuth(server, everyone);
                started.add(aa);
                cold = new ColdStorm(meter, settings.coldInFlight(), bcryptMillisFirst, cores).run(aa, db);
                final BrokerSide al = brokers.allowAll("allow-all", everyone, false);
                started.add(al);
                // allow-all plus a client initializer that makes account-auth's server-side subscriptions: the floor
                final BrokerSide fl = brokers.allowAll("floor", everyone, true);
                started.add(fl);
                allowAllFirst = new FirstStorm(meter, settings.coldInFlight(), settings.warmInFlight()).run(al);
                warm = new WarmStorms(meter, settings.warmInFlight(), settings.warmRounds(),
                        settings.warmupStorms()).run(aa, al, fl, db);
                fast = new FastSchemeStorm(meter, settings.coldInFlight()).run(aa, population.fastLogins(), db);
                crowd = new Crowd(population).run(aa, db);
                // the floor's receivers are subscribed server-side like account-auth's, without permissions to check
                qos = new QosThroughput(meter, population, settings).run(List.of(
                        new QosThroughput.Entrant(aa, false), new QosThroughput.Entrant(al, true),
                        new QosThroughput.Entrant(fl, false)));
                allowAllAfterRestart = new RestartStorm(meter, settings.coldInFlight()).run(al);
                db.stopStatementLog();
            } finally {
                for (int i = started.size() - 1; i >= 0; i--) {
                    started.get(i).close();
                    say(started.get(i).name() + ": broker stopped");
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
        final double bcryptMillisLast = BcryptTiming.millis(userHash);
        say(String.format("bcrypt cost %d, measured again: %.1f ms", bcryptCost, bcryptMillisLast));

        final BenchResults results = new BenchResults(cold, allowAllFirst, allowAllAfterRestart, warm, fast, crowd,
                qos.get("account-auth"), qos.get("allow-all"), qos.get("floor"), permissionCheck, bcryptMillisFirst,
                bcryptMillisLast);
        final BenchReport report = new BenchReport(settings, population, results, meter, notes);
        final String table = report.table();
        System.out.println();
        System.out.println(table);
        if (!meter.disturbed().isEmpty()) {
            say(String.format("WARNING: other processes took over %.0f%% of the CPU during %s; compare with care, " +
                    "or run again on a quiet machine", PhaseMeter.DISTURBED_PERCENT,
                    String.join(", ", meter.disturbed())));
        }
        final Path file = report.write(project, table, mariaDbVersion, commit, (System.nanoTime() - T0) / 60e9);
        say("results written to " + project.relativize(file) + "; broker logs, histograms and profiles in " +
                project.relativize(artifacts));
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
}
