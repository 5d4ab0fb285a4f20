package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import java.nio.file.Path;

/**
 * Scenario: account-auth's reconnect storm after a restart, every cache empty, so every client costs a bcrypt check;
 * with the DB statements it took and the broker's heap before it and with every client connected.
 */
final class ColdStorm {

    record Result(MqttLoad.Storm storm, BrokerCpu.Usage cpu, BenchDatabase.Counts db, HeapGrowth heap) {
    }

    private final PhaseMeter meter;
    private final int inFlight;
    private final double bcryptMillis;
    private final int cores;

    ColdStorm(final PhaseMeter meter, final int inFlight, final double bcryptMillis, final int cores) {
        this.meter = meter;
        this.inFlight = inFlight;
        this.bcryptMillis = bcryptMillis;
        this.cores = cores;
    }

    Result run(final BrokerSide aa, final BenchDatabase db) throws Exception {
        db.startStatementLog();
        final long heapBefore = aa.heapAfterGc();
        final Path histogramBefore = meter.histogram(aa, "before");
        db.takeStatements();
        say(String.format("account-auth: cold storm, %,d clients, <= %d CONNECTs in flight (bcrypt-bound: " +
                        "about %.0f s) ...", aa.clients().size(), inFlight,
                aa.clients().size() * bcryptMillis / 1000 / cores / 0.9));
        final BrokerCpu.Usage[] cpu = {BrokerCpu.Usage.NONE};
        meter.profileStart(aa, "cold-storm");
        final MqttLoad.Storm storm = meter.measured("account-auth cold storm", aa,
                () -> aa.load().storm("cold storm", aa.clients(), inFlight, aa.clients().size() / 5L + 120),
                MqttLoad.Storm::connected, (usage, clients) -> cpu[0] = usage);
        meter.profileStop(aa);
        final BenchDatabase.Counts coldDb = BenchDatabase.Counts.of(db.takeStatements());
        say("account-auth: " + storm.describe());
        say("account-auth: DB statements in the cold storm: " + coldDb.describe());
        Thread.sleep(5000); // server-side subscriptions are added asynchronously after CONNACK
        final long heapConnected = aa.heapAfterGc();
        final HeapGrowth heap = new HeapGrowth(heapBefore, heapConnected, storm.connected(), histogramBefore,
                meter.histogram(aa, "connected"));
        say(String.format("account-auth: heap %,d -> %,d bytes with %,d clients connected", heap.before(),
                heap.connected(), heap.clients()));
        aa.load().disconnectAll(aa.clients());
        db.takeStatements(); // the disconnects (none expected)
        return new Result(storm, cpu[0], coldDb, heap);
    }
}
