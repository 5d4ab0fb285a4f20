package com.accountauth.extension.it;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How big and how wild one run of {@link LiveChangeInvariantIT} is, from system properties ({@code -Dlive.*}), so
 * that CI runs a short size and {@code bench/live-changes.sh} a larger one, and a failure is replayed with its seed.
 *
 * @param seed            {@code live.seed}: the master seed (default: the clock); printed at the start
 * @param rounds          {@code live.rounds} [12]: active phases, each followed by a quiet period and the checks
 * @param changesPerRound {@code live.changesPerRound} [180]: changes committed per active phase
 * @param devices         {@code live.devices} [12]: devices, one client each
 * @param users           {@code live.users} [10]: users, two clients each (a clean and a persistent session)
 * @param workers         {@code live.workers} [4]: JDBC connections applying changes concurrently
 * @param holdPercent     {@code live.holdPercent} [15]: share of transactions held open with SLEEP before COMMIT
 * @param holdMaxMillis   {@code live.holdMaxMillis} [1500]: longest hold
 * @param willPercent     {@code live.willPercent} [50]: share of connections made with a Will
 * @param pollMillis      {@code live.pollMillis} [500]: the extension's poll interval in this test
 * @param marginMillis    {@code live.marginMillis} [2500]: added to the poll interval to give the bound
 * @param kinds           {@code live.kinds} [all]: the change kinds to draw from, comma-separated
 */
record RandomRunSize(long seed, int rounds, int changesPerRound, int devices, int users, int workers,
                     int holdPercent, int holdMaxMillis, int willPercent, long pollMillis, long marginMillis,
                     Set<ChangeKind> kinds) {

    static RandomRunSize fromSystemProperties() {
        final String kinds = System.getProperty("live.kinds", "all").trim();
        return new RandomRunSize(
                Long.getLong("live.seed", System.currentTimeMillis()),
                Integer.getInteger("live.rounds", 12),
                Integer.getInteger("live.changesPerRound", 180),
                Integer.getInteger("live.devices", 12),
                Integer.getInteger("live.users", 10),
                Integer.getInteger("live.workers", 4),
                Integer.getInteger("live.holdPercent", 15),
                Integer.getInteger("live.holdMaxMillis", 1500),
                Integer.getInteger("live.willPercent", 50),
                Long.getLong("live.pollMillis", 500),
                Long.getLong("live.marginMillis", 2500),
                kinds.equalsIgnoreCase("all") ? EnumSet.allOf(ChangeKind.class) : Arrays.stream(kinds.split(","))
                        .map(k -> ChangeKind.valueOf(k.trim().toUpperCase(Locale.ROOT)))
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(ChangeKind.class))));
    }

    /** Poll interval plus margin: how long after a commit its effect must be visible at the latest. */
    long boundMillis() {
        return pollMillis + marginMillis;
    }

    int totalChanges() {
        return rounds * changesPerRound;
    }

    /** The -D line that replays this run. */
    String replayLine() {
        return "-Dlive.seed=" + seed + " -Dlive.rounds=" + rounds + " -Dlive.changesPerRound=" + changesPerRound
                + " -Dlive.devices=" + devices + " -Dlive.users=" + users + " -Dlive.workers=" + workers
                + " -Dlive.holdPercent=" + holdPercent + " -Dlive.holdMaxMillis=" + holdMaxMillis
                + " -Dlive.willPercent=" + willPercent + " -Dlive.pollMillis=" + pollMillis
                + " -Dlive.marginMillis=" + marginMillis + " -Dlive.kinds="
                + (kinds.size() == ChangeKind.values().length ? "all" :
                kinds.stream().map(Enum::name).collect(Collectors.joining(",")));
    }
}
