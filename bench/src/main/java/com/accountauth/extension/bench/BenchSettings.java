package com.accountauth.extension.bench;

/**
 * The benchmark's knobs: N and the {@code bench.*} JVM properties that {@code bench/run.sh} documents, read once.
 *
 * @param warmInFlight  under HiveMQ CE's listen backlog (128, fixed): with more connections in flight the kernel
 *                      dropped SYNs, and a storm's time then held TCP's 1 s retransmission timer for some of its
 *                      clients, more often on the busier broker
 * @param warmRounds    one storm lasts only 2-3 s and the machine's speed drifts (the clients' own CPU per connect
 *                      moved by a third within minutes), so the median of more rounds says more
 * @param warmupStorms  2 cores compile a broker's connect path slowly: after 4 warm-up storms the brokers' CPU per
 *                      connect kept falling into the fourth measured round; after 8 it was flat
 * @param qosRounds     rounds of A B B A: the parts differ a lot on 2 cores (Xodus, GC), more of them average that out
 * @param brokerYoungMb a fixed young generation: left to G1, its size (0.8-1.8 GB, decided by each JVM's history)
 *                      decided whether a storm of 2 s held a collection at all; small and fixed, each storm's
 *                      collections follow what it allocates
 * @param bcryptCost    the hashes' cost (10, a common production cost); a lower one only shortens the cold storm, for
 *                      quick checks
 */
record BenchSettings(int n, int cores, int warmInFlight, int coldInFlight, int warmRounds, int warmupStorms,
                     int qosDevices, int qosWarmup, int qosMessages, int qosRounds, int qosInFlight,
                     long brokerHeapMb, long brokerYoungMb, int bcryptCost, boolean jfr, long sessionExpiry) {

    static BenchSettings fromProperties(final int n) {
        return new BenchSettings(n, Runtime.getRuntime().availableProcessors(),
                Integer.getInteger("bench.warmInFlight", 100),
                Integer.getInteger("bench.coldInFlight", 100),
                Integer.getInteger("bench.warmRounds", 7),
                Integer.getInteger("bench.warmupStorms", 8),
                Math.min(Integer.getInteger("bench.qosDevices", 500), n) / 2 * 2,
                Integer.getInteger("bench.qosWarmup", 30_000),
                Integer.getInteger("bench.qosMessages", 250_000),
                Math.max(1, Integer.getInteger("bench.qosRounds", 5)),
                Integer.getInteger("bench.qosInFlight", 500),
                Long.getLong("bench.brokerHeapMb", 1024 + n / 5L),
                Long.getLong("bench.brokerYoungMb", 256),
                Integer.getInteger("bench.bcryptCost", 10),
                Boolean.getBoolean("bench.jfr"),
                Long.getLong("bench.sessionExpiry", 0));
    }

    /** Measured QoS 1 parts per broker: two per round. */
    int qosParts() {
        return 2 * qosRounds;
    }

    /** Messages in one measured QoS 1 part. */
    int qosPart() {
        return qosMessages / qosParts();
    }
}
