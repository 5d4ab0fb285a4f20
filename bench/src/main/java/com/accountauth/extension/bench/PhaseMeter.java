package com.accountauth.extension.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Runs the measured phases of every scenario alike: each after a settled broker, with the broker's and the clients'
 * CPU per unit, how busy the machine was and how much other processes took, and the kernel's dropped connections.
 * Keeps the log of it all for the report.
 */
final class PhaseMeter {

    static final double DISTURBED_PERCENT = 10;
    // a broker counts as quiet once it spends under this share of one core, so a phase does not start while it
    // still works off the one before (e.g. 15,000 disconnects and their sessions)
    private static final double QUIET_CORE_SHARE = 0.05;
    private static final Duration QUIET_WINDOW = Duration.ofMillis(250);
    private static final Duration QUIET_MAX = Duration.ofSeconds(30);

    private final Path artifacts;
    private final boolean jfr;
    private final List<String> cpuLog = new ArrayList<>();
    private final Set<String> disturbed = new LinkedHashSet<>();
    private double maxOthersCpu;
    private int unquiet;
    private long listenOverflows;

    PhaseMeter(final Path artifacts, final boolean jfr) {
        this.artifacts = artifacts;
        this.jfr = jfr;
    }

    @FunctionalInterface
    interface Phase<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    interface UsageSink {
        /** The broker's CPU in the phase, and the clients' (this JVM's) CPU nanoseconds. */
        void accept(BrokerCpu.Usage usage, long clientsNanos);
    }

    /** Runs a measured phase: the broker's CPU time, and how busy the machine was and how much others took. */
    <T> T measured(final String label, final BrokerSide side, final Phase<T> phase, final ToLongFunction<T> units,
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
            Benchmark.say("  " + line);
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
    void settle(final BrokerSide side) throws InterruptedException {
        // the driver's own collections (up to 330 ms seen) must not land in a storm of 2 s either: it has a young
        // generation (run.sh) that holds a whole phase's garbage, emptied here
        System.gc();
        side.heapAfterGc();
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
        Benchmark.say("  " + side.name() + ": broker still busy after " + QUIET_MAX.toSeconds() +
                " s; measuring anyway");
        unquiet++;
    }

    /**
     * The broker's and the clients' CPU per unit of a phase. The clients do the same work per connect or message
     * whatever the broker, so their figure moving says the machine's speed moved (2 vCPUs whose pace drifts).
     */
    void noteCosts(final String label, final BrokerCpu.Usage usage, final long clientsNanos, final String unit) {
        if (usage.units() <= 0) {
            return;
        }
        final String line = String.format("%s: broker %.0f us, clients (the driver's JVM) %.0f us of CPU per %s",
                label, usage.process() / 1e3 / usage.units(), clientsNanos / 1e3 / usage.units(), unit);
        cpuLog.add(line);
        Benchmark.say("  " + line);
    }

    void noteCpu(final String label, final CpuMeter.Sample from, final CpuMeter.Sample to) {
        final double others = CpuMeter.others(from, to);
        maxOthersCpu = Math.max(maxOthersCpu, others);
        if (others > DISTURBED_PERCENT) {
            disturbed.add(label);
        }
        final String line = label + ": " + CpuMeter.describe(from, to);
        cpuLog.add(line);
        Benchmark.say("  " + line);
    }

    /** The broker's class histogram of live objects, into the artifacts folder. */
    Path histogram(final BrokerSide side, final String when) throws InterruptedException {
        final Path file = artifacts.resolve(side.name() + "-histogram-" + when + ".txt");
        side.histogram(file);
        return file;
    }

    /** With -Dbench.jfr=true, a JFR recording ("profile" settings) of the broker JVM per measured phase. */
    void profileStart(final BrokerSide side, final String phase) throws InterruptedException {
        if (jfr) {
            side.profileStart(artifacts.resolve(side.name() + "-" + phase + ".jfr"));
        }
    }

    void profileStop(final BrokerSide side) throws InterruptedException {
        if (jfr) {
            side.profileStop();
        }
    }

    List<String> cpuLog() {
        return cpuLog;
    }

    /** The phases during which other processes took over {@link #DISTURBED_PERCENT} of the CPU. */
    Set<String> disturbed() {
        return disturbed;
    }

    double maxOthersCpu() {
        return maxOthersCpu;
    }

    /** Phases that started before their broker was quiet. */
    int unquiet() {
        return unquiet;
    }

    long listenOverflows() {
        return listenOverflows;
    }
}
