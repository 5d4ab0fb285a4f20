package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import java.util.List;

/**
 * Scenario: a cold reconnect storm of N devices on the fast scheme for machine secrets (issue 18), each with its own
 * secret, never connected before (as after a restart: their rows and bound client ids preloaded at start, no password
 * verified), then the same devices again from the caches. A cold CONNECT here costs its fast hash check, not a bcrypt
 * check (and, without the preload, its DB statements), so its bar is against the warm storm of the same run:
 * cold >= 0.80 x warm.
 */
final class FastSchemeStorm {

    /** The cold storm (with its broker CPU and DB statements) and the same devices' warm one. */
    record Result(MqttLoad.Storm cold, BrokerCpu.Usage cpu, BenchDatabase.Counts db, MqttLoad.Storm warm) {
    }

    private final PhaseMeter meter;
    private final int inFlight;

    FastSchemeStorm(final PhaseMeter meter, final int inFlight) {
        this.meter = meter;
        this.inFlight = inFlight;
    }

    Result run(final BrokerSide aa, final List<Population.Login> fastDevices, final BenchDatabase db)
            throws Exception {
        final List<MqttLoad.Client> clients = aa.load().clients(fastDevices);
        say(String.format("account-auth: cold storm on the fast scheme, %,d devices, <= %d CONNECTs in flight ...",
                clients.size(), inFlight));
        db.takeStatements();
        final BrokerCpu.Usage[] cpu = {BrokerCpu.Usage.NONE};
        final MqttLoad.Storm cold = meter.measured("account-auth cold storm, fast scheme", aa,
                () -> aa.load().storm("cold storm, fast scheme", clients, inFlight, clients.size() / 20L + 120),
                MqttLoad.Storm::connected, (usage, clientsNanos) -> cpu[0] = usage);
        final BenchDatabase.Counts coldDb = BenchDatabase.Counts.of(db.takeStatements());
        say("account-auth: " + cold.describe());
        say("account-auth: DB statements in the fast cold storm: " + coldDb.describe());
        aa.load().disconnectAll(clients);
        final MqttLoad.Storm warm = meter.measured("account-auth warm storm, fast scheme", aa,
                () -> aa.load().storm("warm storm, fast scheme", clients, inFlight, 600),
                MqttLoad.Storm::connected, (usage, clientsNanos) -> { });
        say("account-auth: " + warm.describe());
        aa.load().disconnectAll(clients);
        db.takeStatements();
        return new Result(cold, cpu[0], coldDb, warm);
    }
}
