package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

/** Scenario: allow-all's storm after a restart, the other side of {@link ColdStorm} (nothing to verify). */
final class RestartStorm {

    private final PhaseMeter meter;
    private final int inFlight;

    RestartStorm(final PhaseMeter meter, final int inFlight) {
        this.meter = meter;
        this.inFlight = inFlight;
    }

    MqttLoad.Storm run(final BrokerSide al) throws Exception {
        al.restart();
        final MqttLoad.Storm storm = meter.measured("allow-all storm after restart", al,
                () -> al.load().storm("storm after restart", al.clients(), inFlight, 600),
                MqttLoad.Storm::connected, (usage, clients) -> { });
        say("allow-all: " + storm.describe());
        al.load().disconnectAll(al.clients());
        return storm;
    }
}
