package com.accountauth.extension.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time the broker JVM spent during a phase: the whole process, and its threads grouped by name (digits folded,
 * e.g. {@code single-writer-N}); "JVM (GC, JIT, ...)" is the process time no live Java thread accounts for.
 */
final class BrokerCpu {

    static final String JVM = "JVM (GC, JIT, ...)";

    /** A reading of the broker's "cpu" command. */
    record Reading(long process, Map<Long, String> names, Map<Long, Long> threads) {

        static Reading parse(final String reply) {
            long process = 0;
            final Map<Long, String> names = new HashMap<>();
            final Map<Long, Long> threads = new HashMap<>();
            for (final String word : reply.trim().split(" ")) {
                if (word.startsWith("process=")) {
                    process = Long.parseLong(word.substring("process=".length()));
                } else if (word.startsWith("t=")) {
                    final String entry = word.substring(2);
                    final int first = entry.indexOf(':');
                    final int last = entry.lastIndexOf(':');
                    final long id = Long.parseLong(entry.substring(0, first));
                    names.put(id, entry.substring(first + 1, last).replaceAll("\\d+", "N"));
                    threads.put(id, Long.parseLong(entry.substring(last + 1)));
                }
            }
            return new Reading(process, names, threads);
        }
    }

    /** CPU nanoseconds of one or more phases, with how many units (connects, messages) they served. */
    record Usage(long process, Map<String, Long> groups, long units) {

        static final Usage NONE = new Usage(0, Map.of(), 0);

        static Usage between(final Reading from, final Reading to, final long units) {
            final Map<String, Long> groups = new HashMap<>();
            long threadsTotal = 0;
            for (final Map.Entry<Long, Long> thread : to.threads().entrySet()) {
                // a thread that ended during the phase is lost; one that started counts in full
                final long spent = thread.getValue() - from.threads().getOrDefault(thread.getKey(), 0L);
                if (spent > 0) {
                    groups.merge(to.names().get(thread.getKey()), spent, Long::sum);
                    threadsTotal += spent;
                }
            }
            final long process = to.process() - from.process();
            groups.merge(JVM, Math.max(0, process - threadsTotal), Long::sum);
            return new Usage(process, groups, units);
        }

        Usage plus(final Usage other) {
            final Map<String, Long> sum = new HashMap<>(groups);
            other.groups().forEach((k, v) -> sum.merge(k, v, Long::sum));
            return new Usage(process + other.process(), sum, units + other.units());
        }

        double microsPerUnit() {
            return units == 0 ? Double.NaN : process / 1000.0 / units;
        }

        /** The groups by microseconds per unit, largest first, small ones folded into "other". */
        Map<String, Double> perUnit() {
            final Map<String, Double> result = new LinkedHashMap<>();
            double other = 0;
            final Map<String, Long> sorted = new TreeMap<>(groups);
            for (final Map.Entry<String, Long> e : sorted.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).toList()) {
                final double micros = e.getValue() / 1000.0 / Math.max(1, units);
                if (micros >= 2 || e.getKey().equals(JVM)) {
                    result.put(e.getKey(), micros);
                } else {
                    other += micros;
                }
            }
            if (other > 0) {
                result.put("other threads", other);
            }
            return result;
        }

        String describe(final String unit) {
            final StringBuilder out = new StringBuilder(String.format("%,.0f us CPU per %s", microsPerUnit(), unit));
            perUnit().forEach((group, micros) -> out.append(String.format("; %s %,.0f", group, micros)));
            return out.toString();
        }
    }

    private BrokerCpu() {
    }
}
