package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.accountauth.extension.testsupport.MariaDbServer;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * QoS 1 throughput of the broker as a user runs it (issue 19): the test broker started by {@code test-broker/run.sh}
 * itself, as the README says, against a private MariaDB through {@code ACCOUNT_AUTH_*}, with the JVM options of
 * {@code JAVA_TOOL_OPTIONS} only, against HiveMQ with an allow-all authenticator in its own JVM (one listener, HiveMQ's
 * defaults otherwise), whose apps subscribe themselves. Both subscription styles: the app relying on the server-side
 * subscriptions alone, and the app subscribing on top of them, as apps written before them do. Parts alternate
 * account-auth, allow-all, allow-all, account-auth after unmeasured lead-in parts per broker; each part's broker
 * CPU and GC time are read from outside (/proc, jstat), so both brokers are measured the same way.
 */
public final class QosAsUser {

    private static final long T0 = System.nanoTime();

    private final Path project = Path.of(System.getProperty("accountauth.basedir", ".")).toAbsolutePath();
    private final int devices = Integer.getInteger("qos.devices", 200);
    private final int perUser = Integer.getInteger("qos.devicesPerUser", 1);
    private final int partMessages = Integer.getInteger("qos.partMessages", 30_000);
    private final int warmup = Integer.getInteger("qos.warmup", 10_000);
    private final int rounds = Integer.getInteger("qos.rounds", 2);
    private final int leadIns = Integer.getInteger("qos.leadIns", 2);
    private final int inFlight = Integer.getInteger("qos.inFlight", 500);
    // the connects are not measured; at cost 10 a loaded machine timed out cold CONNECTs of the first part
    private final int bcryptCost = Integer.getInteger("qos.bcryptCost", 6);
    private final String styles = System.getProperty("qos.styles", "server,both");
    private final String testBrokerJvm = System.getProperty("qos.testBrokerJvm", "");
    private final String allowAllJvm = System.getProperty("qos.allowAllJvm", "-Xmx2g");
    private final Path artifacts = project.resolve("target/qos-as-user-" +
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));

    /** One broker under test: its port and its process, whose CPU and GC time are read from outside. */
    private record Broker(String name, int port, long pid, MqttLoad load) {
    }

    /** What one measured part cost its broker. */
    private record Part(MqttLoad.Qos qos, double cpuSeconds, double gcSeconds, double othersPercent) {

        double cpuMicrosPerMessage() {
            return cpuSeconds * 1e6 / qos.delivered();
        }
    }

    public static void main(final String[] args) throws Exception {
        try {
            new QosAsUser().run();
        } catch (final Exception e) {
            say("FAILED: " + e);
            e.printStackTrace();
            System.exit(2);
        }
        System.exit(0);
    }

    static void say(final String line) {
        final long s = (System.nanoTime() - T0) / 1_000_000_000L;
        System.out.printf("[%02d:%02d] %s%n", s / 60, s % 60, line);
    }

    private void run() throws Exception {
        Files.createDirectories(artifacts);
        final Population population = new Population(devices, perUser);
        say(String.format("QoS 1 as a user runs it: %d devices, %d users (%d device(s) each), parts of %,d messages " +
                        "(+%,d warm-up), %d rounds per style, %d in flight; test broker JVM options '%s', allow-all " +
                        "'%s'; artifacts in %s", devices, population.users.size(), perUser, partMessages, warmup,
                rounds, inFlight, testBrokerJvm, allowAllJvm, project.relativize(artifacts)));
        try (MariaDbServer db = MariaDbServer.start(project.resolve("conf/schema.sql"));
             BenchDatabase seeded = new BenchDatabase(db)) {
            seeded.seed(population, BCrypt.hashpw(Population.DEVICE_PASSWORD, BCrypt.gensalt(bcryptCost)),
                    BCrypt.hashpw(Population.USER_PASSWORD, BCrypt.gensalt(bcryptCost)));
            final Process testBroker = startTestBroker(db);
            BrokerProcess allowAllProcess = null;
            try {
                final int aaPort = awaitPort(testBroker);
                final Broker aa = new Broker("account-auth", aaPort, testBroker.pid(), new MqttLoad(aaPort,
                        QosAsUser::say));
                allowAllProcess = startAllowAll();
                final int alPort = allowAllPort;
                final Broker al = new Broker("allow-all", alPort, allowAllProcess.pid(), new MqttLoad(alPort,
                        QosAsUser::say));
                final StringBuilder table = new StringBuilder();
                for (final String style : styles.split(",")) {
                    table.append(style(population, style.trim(), aa, al));
                }
                say("summary\n" + table);
                Files.writeString(artifacts.resolve("summary.md"), table.toString(), StandardCharsets.UTF_8);
                final String results = System.getProperty("qos.results", "");
                if (!results.isBlank()) {
                    // bench/run.sh: the user's set-up beside the benchmark's own table, in the same results file
                    Files.writeString(project.resolve(results), String.format("%n## QoS 1 as a user runs the test " +
                                    "broker (bench/qos-as-user.sh)%n%n%d devices, %d users, %d x %,d measured " +
                                    "messages per broker and style (A B B A), test broker JVM options '%s', " +
                                    "allow-all '%s'; the allow-all app subscribes itself to %s.%n%n%s",
                            devices, population.users.size(), 2 * rounds, partMessages, testBrokerJvm, allowAllJvm,
                            population.devices.get(0).appSubscription(), table), StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            } finally {
                if (allowAllProcess != null) {
                    allowAllProcess.close();
                }
                testBroker.destroy();
                if (!testBroker.waitFor(60, TimeUnit.SECONDS)) {
                    testBroker.destroyForcibly();
                }
            }
        }
    }

    /**
     * One subscription style: lead-in parts, then rounds of account-auth, allow-all, allow-all, account-auth. The
     * style 'both' adds a reference between them: allow-all whose app subscribes itself to the server-side filters and
     * its own, the two overlapping subscriptions per device that account-auth's broker then holds, with none of the
     * extension (rounds of account-auth, allow-all, reference, reference, allow-all, account-auth).
     */
    private String style(final Population population, final String style, final Broker aa, final Broker al)
            throws Exception {
        final Function<Population.User, List<String>> app = Population.User::appSubscriptions;
        final Function<Population.User, List<String>> aaFilters;
        final Function<Population.User, List<String>> twoFilters;
        switch (style) {
            case "server" -> {
                aaFilters = null;
                twoFilters = null;
            }
            case "both" -> {
                aaFilters = app;
                twoFilters = user -> {
                    final List<String> filters = new ArrayList<>(user.autoSubscriptions());
                    filters.addAll(user.appSubscriptions());
                    return filters;
                };
            }
            default -> throw new IllegalArgumentException("qos.styles: 'server' or 'both', not '" + style + "'");
        }
        say("style '" + style + "': account-auth's app " + (aaFilters == null ? "relies on the server-side " +
                "subscriptions alone" : "also subscribes itself to " + population.users.get(0).appSubscriptions()) +
                "; allow-all's app subscribes itself to the same app filters" + (twoFilters == null ? "" :
                "; reference: allow-all's app subscribing itself to " + twoFilters.apply(population.users.get(0))));
        for (int i = 0; i < leadIns; i++) {
            part(population, aa, aaFilters, "lead-in");
            part(population, al, app, "lead-in");
            if (twoFilters != null) {
                part(population, al, twoFilters, "lead-in, two filters");
            }
        }
        final List<Part> aaParts = new ArrayList<>();
        final List<Part> alParts = new ArrayList<>();
        final List<Part> refParts = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            final String label = "round " + (round + 1);
            aaParts.add(part(population, aa, aaFilters, label));
            alParts.add(part(population, al, app, label));
            if (twoFilters != null) {
                refParts.add(part(population, al, twoFilters, label + ", two filters"));
                refParts.add(part(population, al, twoFilters, label + ", two filters"));
            }
            alParts.add(part(population, al, app, label));
            aaParts.add(part(population, aa, aaFilters, label));
        }
        final Part a = sum(aaParts);
        final Part l = sum(alParts);
        final Part r = refParts.isEmpty() ? null : sum(refParts);
        final StringBuilder out = new StringBuilder();
        if (r == null) {
            out.append(String.format("| %s | account-auth | allow-all | ratio |%n|---|---|---|---|%n", style));
        } else {
            out.append(String.format("| %s | account-auth | allow-all | ratio | reference: allow-all, app " +
                    "subscribing to both filters | account-auth / reference |%n|---|---|---|---|---|---|%n", style));
        }
        out.append(row("throughput (msgs/s)", a, l, r, p -> p.qos().rate(), "%,.0f"));
        out.append(String.format("| latency p50, ms | %.1f | %.1f | - |%s%n", a.qos().p50Millis(),
                l.qos().p50Millis(), r == null ? "" : String.format(" %.1f | - |", r.qos().p50Millis())));
        out.append(row("latency p99, ms", a, l, r, p -> p.qos().p99Millis(), "%.1f"));
        out.append(row("broker CPU per message, us", a, l, r, Part::cpuMicrosPerMessage, "%.1f"));
        out.append(String.format("| broker GC time per 1000 messages, ms | %.2f | %.2f | - |%s%n",
                a.gcSeconds() * 1e6 / a.qos().delivered(), l.gcSeconds() * 1e6 / l.qos().delivered(),
                r == null ? "" : String.format(" %.2f | - |", r.gcSeconds() * 1e6 / r.qos().delivered())));
        out.append(String.format("| part rates (msgs/s) | %s | %s | - |%s%n", rates(aaParts), rates(alParts),
                r == null ? "" : " " + rates(refParts) + " | - |"));
        out.append(String.format("| delivered / duplicates / publish failures | %s | %s | - |%s%n", counts(a),
                counts(l), r == null ? "" : " " + counts(r) + " | - |"));
        out.append(String.format("| other processes' CPU during the parts, max | %.0f %% | %.0f %% | - |%s%n%n",
                maxOthers(aaParts), maxOthers(alParts), r == null ? "" : String.format(" %.0f %% | - |",
                        maxOthers(refParts))));
        return out.toString();
    }

    /** A table row of one figure: account-auth, allow-all, their ratio, and the reference with its ratio if any. */
    private static String row(final String name, final Part a, final Part l, final Part r,
                              final java.util.function.ToDoubleFunction<Part> figure, final String format) {
        final double av = figure.applyAsDouble(a);
        final double lv = figure.applyAsDouble(l);
        String line = String.format("| %s | " + format + " | " + format + " | %.2f |", name, av, lv, av / lv);
        if (r != null) {
            final double rv = figure.applyAsDouble(r);
            line += String.format(" " + format + " | %.2f |", rv, av / rv);
        }
        return line + System.lineSeparator();
    }

    private static String counts(final Part p) {
        return String.format("%,d / %,d / %d", p.qos().delivered(), p.qos().duplicates(), p.qos().publishFailures());
    }

    private static double maxOthers(final List<Part> parts) {
        return parts.stream().mapToDouble(Part::othersPercent).max().orElse(0);
    }

    private static String rates(final List<Part> parts) {
        return String.join(", ", parts.stream().map(p -> String.format("%,.0f", p.qos().rate())).toList());
    }

    private static Part sum(final List<Part> parts) {
        MqttLoad.Qos qos = parts.get(0).qos();
        double cpu = parts.get(0).cpuSeconds();
        double gc = parts.get(0).gcSeconds();
        for (final Part part : parts.subList(1, parts.size())) {
            qos = qos.plus(part.qos());
            cpu += part.cpuSeconds();
            gc += part.gcSeconds();
        }
        return new Part(qos, cpu, gc, 0);
    }

    private Part part(final Population population, final Broker broker,
                      final Function<Population.User, List<String>> selfFilters, final String label) throws Exception {
        System.gc();
        final double[] cpu = new double[1];
        final double[] gc = new double[1];
        final CpuMeter.Sample[] machine = new CpuMeter.Sample[1];
        final double[] others = new double[1];
        final MqttLoad.Qos qos = broker.load().qos(population, devices, selfFilters, warmup, partMessages, inFlight,
                new MqttLoad.Hook() {
                    @Override
                    public void before() {
                        gc[0] = gcSeconds(broker.pid());
                        cpu[0] = CpuMeter.cpuSeconds(broker.pid());
                        machine[0] = CpuMeter.sample();
                    }

                    @Override
                    public void after(final long units) {
                        cpu[0] = CpuMeter.cpuSeconds(broker.pid()) - cpu[0];
                        others[0] = CpuMeter.others(machine[0], CpuMeter.sample());
                        gc[0] = gcSeconds(broker.pid()) - gc[0];
                    }
                });
        final Part part = new Part(qos, cpu[0], gc[0], others[0]);
        say(String.format("%s %s: %s; broker CPU %.1f us/msg, GC %.3f s; others %.0f %%", broker.name(), label,
                qos.describe(), part.cpuMicrosPerMessage(), gc[0], others[0]));
        return part;
    }

    /** The JVM's total GC time so far (jstat's GCT column), in seconds; NaN where jstat cannot tell. */
    private static double gcSeconds(final long pid) {
        try {
            final Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
            final Process process = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid))
                    .redirectErrorStream(true).start();
            final List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().toList();
            process.waitFor(10, TimeUnit.SECONDS);
            final List<String> header = Arrays.asList(lines.get(0).trim().split("\\s+"));
            final String[] values = lines.get(1).trim().split("\\s+");
            return Double.parseDouble(values[header.indexOf("GCT")]);
        } catch (final Exception e) {
            return Double.NaN;
        }
    }

    private int tbMqttPort;
    private int allowAllPort;

    /** test-broker/run.sh as the README tells a user to start it, pointed at the private DB. */
    private Process startTestBroker(final MariaDbServer db) throws IOException {
        tbMqttPort = HiveMqLauncher.freePort();
        final List<String> command = List.of("bash", project.resolve("test-broker/run.sh").toString(),
                "--mqtt-port", Integer.toString(tbMqttPort), "--tls-port", Integer.toString(HiveMqLauncher.freePort()),
                "--ws-port", Integer.toString(HiveMqLauncher.freePort()), "--bind", "127.0.0.1",
                "--data", artifacts.resolve("test-broker").toString());
        final ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(artifacts.resolve("test-broker.log").toFile());
        final Map<String, String> env = builder.environment();
        env.put("ACCOUNT_AUTH_JDBC_URL", db.jdbcUrl());
        env.put("ACCOUNT_AUTH_DB_USER", db.appUser());
        env.put("ACCOUNT_AUTH_DB_PASSWORD", db.appPassword());
        env.remove("JAVA_TOOL_OPTIONS");
        if (!testBrokerJvm.isBlank()) {
            env.put("JAVA_TOOL_OPTIONS", testBrokerJvm);
        }
        say("starting " + String.join(" ", command.subList(1, command.size())) + " (JAVA_TOOL_OPTIONS='" +
                testBrokerJvm + "') ...");
        return builder.start();
    }

    private int awaitPort(final Process testBroker) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!testBroker.isAlive()) {
                throw new IllegalStateException("test-broker/run.sh ended with " + testBroker.exitValue() + "; see "
                        + artifacts.resolve("test-broker.log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", tbMqttPort), 500);
                say("test broker (pid " + testBroker.pid() + ") listening on 127.0.0.1:" + tbMqttPort);
                Thread.sleep(2000); // let the extension finish its start after the listener opened
                return tbMqttPort;
            } catch (final IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("test broker not listening within 5 minutes");
    }

    /** HiveMQ with the allow-all authenticator in its own JVM: one TCP listener, HiveMQ's defaults otherwise. */
    private BrokerProcess startAllowAll() throws Exception {
        allowAllPort = HiveMqLauncher.freePort();
        final Path dir = artifacts.resolve("allow-all");
        final Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        // one listener, HiveMQ's defaults otherwise (no usage statistics, as in every broker of the tests)
        Files.writeString(conf.resolve("config.xml"), HiveMqLauncher.singleListenerConfig(allowAllPort),
                StandardCharsets.UTF_8);
        BenchBroker.writeLogback(conf, artifacts.resolve("allow-all-hivemq.log"));
        final List<String> jvm = allowAllJvm.isBlank() ? List.of() : List.of(allowAllJvm.trim().split("\\s+"));
        final BrokerProcess process = BrokerProcess.launch("allow-all", jvm,
                artifacts.resolve("allow-all-broker.stderr.log"));
        process.call("allow-all " + conf + " " + dir, Duration.ofMinutes(3));
        say("allow-all (pid " + process.pid() + ", JVM '" + allowAllJvm + "') listening on 127.0.0.1:" +
                allowAllPort);
        return process;
    }
}
