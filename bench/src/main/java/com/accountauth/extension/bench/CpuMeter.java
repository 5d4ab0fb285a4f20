package com.accountauth.extension.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * How busy the machine was during a phase, and how much of that was not the benchmark (this JVM and its child
 * processes: the broker JVM and MariaDB). Reads /proc; on other systems it reports nothing.
 */
final class CpuMeter {

    /** CPU time in clock ticks: the whole machine's busy and total time, and the benchmark's processes' time. */
    record Sample(long machineBusy, long machineTotal, long benchmark, long nanos) {
    }

    private CpuMeter() {
    }

    static Sample sample() {
        long busy = 0;
        long total = 0;
        try {
            final String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            for (int i = 1; i < Math.min(cpu.length, 9); i++) {
                final long ticks = Long.parseLong(cpu[i]);
                total += ticks;
                if (i != 4 && i != 5) {
                    busy += ticks;
                }
            }
        } catch (final IOException | RuntimeException e) {
            return new Sample(0, 0, 0, System.nanoTime());
        }
        long own = ticksOf(ProcessHandle.current().pid());
        try (Stream<ProcessHandle> children = ProcessHandle.current().descendants()) {
            own += children.mapToLong(p -> ticksOf(p.pid())).sum();
        }
        return new Sample(busy, total, own, System.nanoTime());
    }

    /** CPU time of this JVM (the driver and its MQTT clients) in nanoseconds. */
    static long ownProcessNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long ticksOf(final long pid) {
        return Math.max(0, ticksOrMinusOne(pid));
    }

    /** A process's user and system CPU time in seconds (clock ticks of 1/100 s); -1 where it cannot be read. */
    static double cpuSeconds(final long pid) {
        final long ticks = ticksOrMinusOne(pid);
        return ticks < 0 ? -1 : ticks / 100.0;
    }

    private static long ticksOrMinusOne(final long pid) {
        try {
            final String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The share of the machine's capacity that was busy, and that other processes used, between two samples. */
    static String describe(final Sample from, final Sample to) {
        final long total = to.machineTotal() - from.machineTotal();
        if (total <= 0) {
            return "CPU: n/a";
        }
        final double busy = 100.0 * (to.machineBusy() - from.machineBusy()) / total;
        final double others = Math.max(0, 100.0 * ((to.machineBusy() - from.machineBusy()) -
                (to.benchmark() - from.benchmark())) / total);
        return String.format("CPU busy %.0f%%, other processes %.1f%%", busy, others);
    }

    /**
     * How many connections the kernel has dropped because a listen queue was full (TcpExt ListenOverflows in
     * /proc/net/netstat; -1 where it cannot be read). Each costs its client a SYN retransmission a second later.
     */
    static long listenOverflows() {
        try {
            final List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    final String[] names = lines.get(i).trim().split("\\s+");
                    final String[] values = lines.get(i + 1).trim().split("\\s+");
                    for (int k = 1; k < Math.min(names.length, values.length); k++) {
                        if (names[k].equals("ListenOverflows")) {
                            return Long.parseLong(values[k]);
                        }
                    }
                }
            }
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The share of the machine's capacity that other processes used between two samples, in percent. */
    static double others(final Sample from, final Sample to) {
        final long total = to.machineTotal() - from.machineTotal();
        return total <= 0 ? 0 : Math.max(0, 100.0 * ((to.machineBusy() - from.machineBusy()) -
                (to.benchmark() - from.benchmark())) / total);
    }
}
