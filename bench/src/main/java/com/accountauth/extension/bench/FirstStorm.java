package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import java.nio.file.Path;

/**
 * Scenario: allow-all's first reconnect storm, then its clients subscribed to what account-auth subscribes them to,
 * for its heap with every client connected (the other side of {@link ColdStorm}'s heap figure).
 */
final class FirstStorm {

    record Result(MqttLoad.Storm storm, BrokerCpu.Usage cpu, HeapGrowth heap) {
    }

    private final PhaseMeter meter;
    private final int inFlight;
    private final int subscribeInFlight;

    FirstStorm(final PhaseMeter meter, final int inFlight, final int subscribeInFlight) {
        this.meter = meter;
        this.inFlight = inFlight;
        this.subscribeInFlight = subscribeInFlight;
    }

    Result run(final BrokerSide al) throws Exception {
        final long heapBefore = al.heapAfterGc();
        final Path histogramBefore = meter.histogram(al, "before");
        final BrokerCpu.Usage[] cpu = {BrokerCpu.Usage.NONE};
        final MqttLoad.Storm storm = meter.measured("allow-all first storm", al,
                () -> al.load().storm("first storm", al.clients(), inFlight, 600), MqttLoad.Storm::connected,
                (usage, clients) -> cpu[0] = usage);
        say("allow-all: " + storm.describe());
        al.load().subscribeAll(al.clients(), subscribeInFlight);
        Thread.sleep(5000);
        final long heapConnected = al.heapAfterGc();
        final HeapGrowth heap = new HeapGrowth(heapBefore, heapConnected, storm.connected(), histogramBefore,
                meter.histogram(al, "connected"));
        say(String.format("allow-all: heap %,d -> %,d bytes with %,d clients connected and subscribed to what " +
                "account-auth subscribes them to", heap.before(), heap.connected(), heap.clients()));
        al.load().disconnectAll(al.clients());
        return new Result(storm, cpu[0], heap);
    }
}
