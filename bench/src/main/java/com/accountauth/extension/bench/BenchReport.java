package com.accountauth.extension.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one run's {@link BenchResults} into the table (brokers side by side, ratios, bars) and the results file
 * {@code bench/results-<date>.md}: the machine, the settings, the commit measured, the table, what this run's method
 * depended on (the method itself is in bench/README.md), the broker CPU by thread group, the details, the heap by
 * class and the notes.
 */
final class BenchReport {

    private final BenchSettings settings;
    private final Population population;
    private final BenchResults r;
    private final PhaseMeter meter;
    private final List<String> notes;

    BenchReport(final BenchSettings settings, final Population population, final BenchResults results,
                final PhaseMeter meter, final List<String> notes) {
        this.settings = settings;
        this.population = population;
        this.r = results;
        this.meter = meter;
        this.notes = notes;
    }

    private int clients() {
        return population.devices.size() + population.users.size();
    }

    String table() {
        final int cores = settings.cores();
        final int clients = clients();
        final double bcryptMillis = r.bcryptMillis();
        final double bound = cores * 1000.0 / bcryptMillis;
        final WarmStorms.Result warm = r.warm();
        final MqttLoad.Storm cold = r.cold().storm();
        final BenchDatabase.Counts coldDb = r.cold().db();
        final BenchDatabase.Counts warmDb = warm.accountAuthDb();
        final MqttLoad.Qos aaQos = r.qosAccountAuth().qos();
        final MqttLoad.Qos alQos = r.qosAllowAll().qos();
        final MqttLoad.Qos flQos = r.qosFloor().qos();
        final Crowd.Result crowd = r.crowd();
        final PermissionCheckCost.Result permissionCheck = r.permissionCheck();
        final StringBuilder t = new StringBuilder();
        t.append("| scenario | account-auth | allow-all | ratio or figure | bar | met? |\n");
        t.append("| --- | --- | --- | --- | --- | --- |\n");

        final double aaWarm = warm.accountAuth().rate();
        final double alWarm = warm.allowAll().rate();
        final double warmRatio = aaWarm / alWarm;
        row(t, String.format("reconnect storm, warm caches: %,d clients, <= %d CONNECTs in flight (median of %d)",
                        clients, settings.warmInFlight(), settings.warmRounds()),
                String.format("%,.0f connects/s", aaWarm), String.format("%,.0f connects/s", alWarm),
                String.format("%.2f", warmRatio), ">= 0.90 x allow-all",
                met(warmRatio >= 0.9 && warm.accountAuth().failures() == 0));

        final double coldRatio = cold.rate() / bound;
        row(t, String.format("cold storm after restart (device rows preloaded at start, nothing verified): %,d clients = %,d bcrypt checks, <= %d in " +
                        "flight", clients, clients, settings.coldInFlight()),
                String.format("%,.1f connects/s", cold.rate()),
                String.format("%,.0f connects/s", r.allowAllAfterRestart().rate()),
                String.format("%.2f x bcrypt bound (%d cores / %.1f ms = %.1f/s)", coldRatio, cores, bcryptMillis,
                        bound), ">= 0.80 x bcrypt bound", met(coldRatio >= 0.8 && cold.failures().isEmpty()));

        // a cold CONNECT on the fast scheme costs its DB statements, not bcrypt: its bar is the same run's warm storm
        final FastSchemeStorm.Result fast = r.fast();
        final double fastRatio = fast.cold().rate() / aaWarm;
        final BenchDatabase.Counts fastDb = fast.db();
        row(t, String.format("cold storm on the fast scheme after restart (rows preloaded at start): %,d devices, each its own secret, <= %d " +
                        "in flight", fast.cold().clients(), settings.coldInFlight()),
                String.format("%,.0f connects/s", fast.cold().rate()), "-",
                String.format("%.2f x the warm storm above (the same devices warm: %,.0f/s; %.2f DB statements per " +
                        "connect)", fastRatio, fast.warm().rate(),
                        (double) fastDb.perConnectTotal() / Math.max(1, fast.cold().connected())),
                "cold fast >= 0.80 x warm", met(fastRatio >= 0.8 && fast.cold().failures().isEmpty()));

        final long warmConnects = warm.accountAuth().storms().stream().mapToLong(MqttLoad.Storm::connected).sum();
        final double warmPerConnect = (double) warmDb.perConnectTotal() / warmConnects;
        row(t, String.format("DB queries per connect, warm (%,d connects)", warmConnects),
                String.format("%.3f (%,d statements)", warmPerConnect, warmDb.perConnectTotal()), "-",
                String.format("%.3f", warmPerConnect), "0", met(warmDb.perConnectTotal() == 0));

        final double coldPerConnect = (double) coldDb.perConnectTotal() / cold.connected();
        final double coldPrincipal = (double) coldDb.principalLoads() / cold.connected();
        final double coldClientId = (double) coldDb.clientIdStatements() / cold.connected();
        row(t, String.format("DB queries per connect, cold (%,d connects)", cold.connected()),
                String.format("%.2f = %.2f principal/pairings + %.2f client-id bind", coldPerConnect, coldPrincipal,
                        coldClientId), "-", String.format("%.2f", coldPerConnect), "<= 2",
                met(coldPerConnect <= 2.0) + (coldPerConnect > 2.0 && coldPrincipal <= 2.0 ?
                        String.format(" (%.2f without the client-id bind)", coldPrincipal) : ""));

        row(t, String.format("%d clients of one account at once (distinct client ids, account not cached)",
                        Crowd.SIZE),
                String.format("%d account load, %d pairings load, %d client-id statements; %d admitted in %.0f ms",
                        crowd.accountLoads(), crowd.planLoads(), crowd.clientIdStatements(),
                        crowd.storm().connected(), crowd.storm().seconds() * 1000), "-",
                String.format("%d load", crowd.accountLoads()), "1 load",
                met(crowd.accountLoads() == 1 && crowd.planLoads() == 1 && crowd.storm().connected() == Crowd.SIZE));

        final double qosRatio = aaQos.rate() / alQos.rate();
        row(t, String.format("QoS 1 throughput: %d devices -> %d paired users, %,d msgs (%d parts, A B C C B A), <= %d " +
                        "in flight", settings.qosDevices(), settings.qosDevices() / 2,
                        settings.qosPart() * settings.qosParts(), settings.qosParts(), settings.qosInFlight()),
                String.format("%,.0f msgs/s", aaQos.rate()), String.format("%,.0f msgs/s", alQos.rate()),
                String.format("%.2f", qosRatio), ">= 0.95 x allow-all",
                met(qosRatio >= 0.95 && aaQos.delivered() == aaQos.messages() && aaQos.publishFailures() == 0));
        final double p99Ratio = aaQos.p99Millis() / alQos.p99Millis();
        row(t, "QoS 1 latency p99 (p50), publish to delivery",
                String.format("%.1f ms (%.1f)", aaQos.p99Millis(), aaQos.p50Millis()),
                String.format("%.1f ms (%.1f)", alQos.p99Millis(), alQos.p50Millis()),
                String.format("%.2f", p99Ratio), "<= 1.10 x allow-all", met(p99Ratio <= 1.1));

        // live objects (class histogram) rather than "used heap": the latter also counts G1's half-filled regions
        // and varies by +-150 B per client between runs of the same code
        final HeapGrowth aaHeap = r.cold().heap();
        final HeapGrowth alHeap = r.allowAllFirst().heap();
        final double extensionPerClient = aaHeap.livePerClient() - alHeap.livePerClient();
        row(t, String.format("heap per connected client (%,d connected; live objects after full GC)",
                        aaHeap.clients()),
                String.format("%,.0f B", aaHeap.livePerClient()), String.format("%,.0f B", alHeap.livePerClient()),
                String.format("extension: %,.0f B per client (used heap after GC: %,.0f B)", extensionPerClient,
                        aaHeap.perClient() - alHeap.perClient()), "<= 2 KiB per client",
                met(extensionPerClient <= 2048));

        final double subscribing = warm.allowAllSubscribing().rate();
        row(t, "(reference, no bar) the warm storm against allow-all clients that subscribe themselves after " +
                        "CONNACK to what account-auth subscribes them to server-side",
                String.format("%,.0f connects/s", aaWarm), String.format("%,.0f connects/s", subscribing),
                String.format("%.2f", aaWarm / subscribing), "-", "-");
        final double flWarm = warm.floor().rate();
        row(t, "(reference, no bar) the warm storm against the floor: allow-all plus a client initializer that " +
                        "makes account-auth's server-side subscriptions, with none of account-auth's checks",
                String.format("%,.0f connects/s", aaWarm), String.format("%,.0f connects/s", flWarm),
                String.format("%.2f (the floor against allow-all: %.2f)", aaWarm / flWarm, flWarm / alWarm), "-", "-");
        final double usual = warm.usualClientsMicros();
        final double aaUsual = warm.accountAuth().rateAtUsualSpeed(usual);
        final double alUsual = warm.allowAll().rateAtUsualSpeed(usual);
        row(t, "(reference, no bar) the warm storm at the machine's usual speed: each storm's rate x its clients' " +
                        "CPU per connect / the median of that over all warm storms of the run (the clients do the " +
                        "same work per connect whatever the broker: their CPU per connect moving says the machine's " +
                        "speed moved)",
                String.format("%,.0f connects/s", aaUsual), String.format("%,.0f connects/s", alUsual),
                String.format("%.2f (the floor against allow-all: %.2f)", aaUsual / alUsual,
                        warm.floor().rateAtUsualSpeed(usual) / alUsual), "-", "-");
        row(t, "(reference, no bar) QoS 1 against the floor, whose receivers are subscribed server-side like " +
                        "account-auth's and which checks no permissions",
                String.format("%,.0f msgs/s, p99 %.1f ms", aaQos.rate(), aaQos.p99Millis()),
                String.format("%,.0f msgs/s, p99 %.1f ms", flQos.rate(), flQos.p99Millis()),
                String.format("%.2f, p99 %.2f (the floor against allow-all: %.2f, p99 %.2f)",
                        aaQos.rate() / flQos.rate(), aaQos.p99Millis() / flQos.p99Millis(),
                        flQos.rate() / alQos.rate(), flQos.p99Millis() / alQos.p99Millis()), "-", "-");
        row(t, String.format("(reference, no bar) what account-auth adds per message: HiveMQ's inline check of a " +
                        "device's PUBLISH against its %d default permissions (timed in a loop, one thread)",
                        permissionCheck.permissions()),
                String.format("%.0f ns", permissionCheck.deviceNanos()),
                String.format("%.0f ns", permissionCheck.allowAllNanos()),
                String.format("+%.2f us per message; the broker spent %.0f us of CPU per message",
                        (permissionCheck.deviceNanos() - permissionCheck.allowAllNanos()) / 1000,
                        r.qosAccountAuth().cpu().microsPerUnit()), "-", "-");
        return t.toString();
    }

    private static void row(final StringBuilder t, final String... cells) {
        t.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String met(final boolean met) {
        return met ? "yes" : "**no**";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Writes the results file into {@code project}'s bench folder: the default N with clean sessions gives the
     * results file of the day, other runs get their own.
     */
    Path write(final Path project, final String table, final String mariaDbVersion, final String commit,
               final double runMinutes) throws IOException {
        final int n = settings.n();
        final Path file = project.resolve("bench/results-" + LocalDate.now() + (n == 10_000 ? "" : "-n" + n) +
                (settings.sessionExpiry() > 0 ? "-persistent-sessions" : "") + ".md");
        final int clients = clients();
        final StringBuilder out = new StringBuilder();
        out.append("# account-auth benchmark, ").append(LocalDate.now()).append("\n\n");
        out.append(String.format("- N = %,d devices and %,d users (each user owner of 2 devices): %,d clients%n", n,
                population.users.size(), clients));
        out.append("- code measured: commit ").append(commit).append('\n');
        out.append("- machine: ").append(settings.cores()).append(" cores (nproc), ").append(MachineFacts.cpuModel())
                .append(", ").append(String.format("%.0f GiB RAM", MachineFacts.totalMemoryGiB())).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append('\n');
        out.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; each broker JVM -Xms/-Xmx")
                .append(settings.brokerHeapMb()).append("m -Xmn").append(settings.brokerYoungMb())
                .append("m, the driver's -Xmx").append(Runtime.getRuntime().maxMemory() >> 20)
                .append("m; default GC (G1)\n");
        out.append("- HiveMQ CE ").append(MachineFacts.hivemqVersion()).append(" embedded; MariaDB ")
                .append(mariaDbVersion).append("; HiveMQ MQTT Client, MQTT 5, plain TCP on 127.0.0.1\n");
        final String nonDefault = System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("bench.")).sorted().map(k -> "-D" + k + "=" + System.getProperty(k))
                .reduce((a, b) -> a + " " + b).orElse("none (defaults)");
        out.append("- non-default settings: ").append(nonDefault).append('\n');
        out.append(String.format("- bcrypt cost %d, one check: %.1f ms at the start, %.1f ms at the end; the bound " +
                "uses the faster%n", settings.bcryptCost(), r.bcryptMillisFirst(), r.bcryptMillisLast()));
        out.append(String.format("- connections the kernel dropped during the measured phases, listen queue full " +
                "(ListenOverflows): %,d%n", meter.listenOverflows()));
        out.append(String.format("- run time: %.1f min; other processes took at most %.1f%% of the machine's CPU " +
                "during a measured phase%s%s%n%n", runMinutes, meter.maxOthersCpu(),
                meter.disturbed().isEmpty() ? "" : " (over " + (int) PhaseMeter.DISTURBED_PERCENT + "% in: " +
                        String.join(", ", meter.disturbed()) + ")",
                meter.unquiet() == 0 ? "" : "; " + meter.unquiet() + " phase(s) started before their broker was " +
                        "quiet"));
        out.append(table).append('\n');
        out.append("## How it was measured\n\n");
        // the method is written once, in bench/README.md; here only what this run's figures depend on
        out.append(String.format("As written in [README.md](README.md#how-it-is-measured). This run: bcrypt cost %d " +
                        "(hashing %,d passwords at that cost would take about %.0f s, so all devices share one hash " +
                        "and all users another); %d warm-up storms per broker; QoS 1 in %d measured parts per broker, " +
                        "after a lead-in part of %d x the warm-up messages.%n",
                settings.bcryptCost(), clients, clients * r.bcryptMillis() / 1000 / settings.cores(),
                settings.warmupStorms(), settings.qosParts(), QosThroughput.LEAD_IN_WARMUPS));
        out.append("\n## Broker CPU\n\n");
        final WarmStorms.Result warm = r.warm();
        out.append(cpuTable("warm storms, per connect", warm.accountAuth().cpu(), warm.allowAll().cpu(),
                "allow-all"));
        out.append(cpuTable("warm storms: allow-all clients subscribing themselves, per connect",
                warm.accountAuth().cpu(), warm.allowAllSubscribing().cpu(), "allow-all + SUBSCRIBE"));
        out.append(cpuTable("warm storms: the floor (allow-all + server-side subscriptions), per connect",
                warm.accountAuth().cpu(), warm.floor().cpu(), "floor"));
        out.append(cpuTable("QoS 1, per delivered message", r.qosAccountAuth().cpu(), r.qosAllowAll().cpu(),
                "allow-all"));
        out.append(cpuTable("QoS 1: the floor (allow-all + server-side subscriptions), per delivered message",
                r.qosAccountAuth().cpu(), r.qosFloor().cpu(), "floor"));
        out.append(cpuTable("cold storm (account-auth) and first storm (allow-all), per connect", r.cold().cpu(),
                r.allowAllFirst().cpu(), "allow-all"));
        out.append(cpuTable("cold storm on the fast scheme (account-auth) and warm storms (account-auth), per connect",
                r.fast().cpu(), r.warm().accountAuth().cpu(), "warm"));
        out.append("## Details\n\n```\n");
        details(out);
        out.append("```\n\n");
        out.append(histogramDiff());
        out.append("## Notes\n\n");
        notes.forEach(note -> out.append("- ").append(note).append('\n'));
        Files.writeString(file, out.toString());
        return file;
    }

    private void details(final StringBuilder out) {
        final WarmStorms.Result warm = r.warm();
        out.append("account-auth:\n");
        out.append("  ").append(r.cold().storm().describe()).append('\n');
        warm.accountAuth().storms().forEach(s -> out.append("  ").append(s.describe()).append('\n'));
        final StringBuilder ratios = new StringBuilder("  warm storms, account-auth / allow-all per round:");
        final List<MqttLoad.Storm> aaWarm = warm.accountAuth().storms();
        final List<MqttLoad.Storm> alWarm = warm.allowAll().storms();
        for (int i = 0; i < Math.min(aaWarm.size(), alWarm.size()); i++) {
            ratios.append(String.format(" %.2f", aaWarm.get(i).rate() / alWarm.get(i).rate()));
        }
        out.append(ratios).append('\n');
        out.append("  DB, cold storm: ").append(r.cold().db().describe()).append('\n');
        out.append("  DB, warm storms: ").append(warm.accountAuthDb().describe()).append('\n');
        out.append("  ").append(r.fast().cold().describe()).append("; DB: ").append(r.fast().db().describe())
                .append('\n');
        out.append("  ").append(r.fast().warm().describe()).append('\n');
        out.append("  ").append(r.crowd().storm().describe()).append("; DB: ").append(r.crowd().db().describe())
                .append('\n');
        if (!r.cold().db().otherSamples().isEmpty()) {
            out.append("  other statements, e.g.: ").append(r.cold().db().otherSamples()).append('\n');
        }
        qosAndHeap(out, r.qosAccountAuth(), r.cold().heap());
        out.append("allow-all:\n");
        out.append("  ").append(r.allowAllFirst().storm().describe()).append('\n');
        out.append("  ").append(r.allowAllAfterRestart().describe()).append('\n');
        alWarm.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
        warm.allowAllSubscribing().storms().forEach(s -> out.append("  ").append(s.describe()).append('\n'));
        qosAndHeap(out, r.qosAllowAll(), r.allowAllFirst().heap());
        out.append("floor:\n");
        warm.floor().storms().forEach(s -> out.append("  ").append(s.describe()).append('\n'));
        out.append("  QoS 1: ").append(r.qosFloor().qos().describe()).append('\n');
        out.append("  QoS 1, each part in order (msgs/s): ").append(r.qosFloor().partRatesText()).append('\n');
        out.append("account-auth, warm storms: ").append(warm.accountAuth().busyCores()).append('\n');
        out.append("allow-all, warm storms: ").append(warm.allowAll().busyCores()).append('\n');
        out.append("floor, warm storms: ").append(warm.floor().busyCores()).append('\n');
        out.append("account-auth, QoS 1: ").append(r.qosAccountAuth().busyCores()).append('\n');
        out.append("allow-all, QoS 1: ").append(r.qosAllowAll().busyCores()).append('\n');
        out.append("floor, QoS 1: ").append(r.qosFloor().busyCores()).append('\n');
        out.append("CPU during the measured phases (other processes = not the driver, a broker JVM or MariaDB):\n");
        meter.cpuLog().forEach(line -> out.append("  ").append(line).append('\n'));
    }

    private static void qosAndHeap(final StringBuilder out, final QosThroughput.Result qos, final HeapGrowth heap) {
        out.append("  QoS 1: ").append(qos.qos().describe()).append('\n');
        out.append("  QoS 1, each part in order (msgs/s): ").append(qos.partRatesText()).append('\n');
        out.append(String.format("  heap: %,d B before, %,d B with %,d clients connected%n", heap.before(),
                heap.connected(), heap.clients()));
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

    /**
     * The classes whose live heap grows most per connected client with account-auth, beyond what it grows with
     * allow-all: (connected - before) of account-auth minus the same of allow-all.
     */
    private String histogramDiff() throws IOException {
        final HeapGrowth aa = r.cold().heap();
        final HeapGrowth al = r.allowAllFirst().heap();
        final Map<String, long[]> diff = new HashMap<>();
        ClassHistogram.add(diff, ClassHistogram.read(aa.histogramConnected()), 1);
        ClassHistogram.add(diff, ClassHistogram.read(aa.histogramBefore()), -1);
        ClassHistogram.add(diff, ClassHistogram.read(al.histogramConnected()), -1);
        ClassHistogram.add(diff, ClassHistogram.read(al.histogramBefore()), 1);
        final StringBuilder out = new StringBuilder("## Heap per client: where account-auth's share goes\n\n");
        out.append(String.format("Live objects by class (`GC.class_histogram`): growth from no client to %,d " +
                "connected clients, account-auth's growth minus allow-all's; the largest.%n%n", aa.clients()));
        out.append("| class | instances | bytes | bytes per client |\n| --- | ---: | ---: | ---: |\n");
        diff.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -Math.abs(e.getValue()[1])))
                .limit(20)
                .forEach(e -> out.append(String.format("| `%s` | %+,d | %+,d | %+,.0f |%n", e.getKey(),
                        e.getValue()[0], e.getValue()[1], (double) e.getValue()[1] / Math.max(1, aa.clients()))));
        final long total = diff.values().stream().mapToLong(v -> v[1]).sum();
        out.append(String.format("%nSum over all classes: %+,d B (%+,.0f B per client).%n%n", total,
                (double) total / Math.max(1, aa.clients())));
        return out.toString();
    }
}
