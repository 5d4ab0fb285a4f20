package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario: QoS 1 from devices to their paired users, on each broker side in turn: an unmeasured lead-in part per
 * side, then rounds of A B C C B A (the sides in the given order, then reversed), two measured parts per side and
 * round. A side whose receivers are not subscribed server-side ({@link Entrant#subscribesItself()}) has them
 * subscribe to the same filters.
 */
final class QosThroughput {

    // each broker's first part came out its slowest, even after 3 x the warm-up within it: whatever the first part of
    // a broker pays for, it pays in a part nobody measures
    static final int LEAD_IN_WARMUPS = 3;

    /** A broker side taking part; {@code subscribesItself}: its receivers subscribe after CONNACK. */
    record Entrant(BrokerSide side, boolean subscribesItself) {
    }

    /** One side's measured parts together, and each part's rate in order. */
    record Result(MqttLoad.Qos qos, BrokerCpu.Usage cpu, List<Double> partRates) {

        String busyCores() {
            return String.format("%.2f cores busy during the QoS parts", cpu.process() / 1e9 / qos.seconds());
        }

        String partRatesText() {
            return partRates.stream().map(rate -> String.format("%,.0f", rate)).reduce((a, b) -> a + ", " + b)
                    .orElse("-");
        }
    }

    private static final class Tally {
        MqttLoad.Qos qos;
        BrokerCpu.Usage cpu = BrokerCpu.Usage.NONE;
        final List<Double> partRates = new ArrayList<>();
        int parts;
    }

    private final PhaseMeter meter;
    private final Population population;
    private final BenchSettings settings;

    QosThroughput(final PhaseMeter meter, final Population population, final BenchSettings settings) {
        this.meter = meter;
        this.population = population;
        this.settings = settings;
    }

    /** Each entrant's result, by side name, in the entrants' order. */
    Map<String, Result> run(final List<Entrant> entrants) throws Exception {
        final int devices = settings.qosDevices();
        final int part = settings.qosPart();
        say(String.format("QoS 1: %d devices -> %d users, per broker %d x (%,d warm-up + %,d measured) messages, " +
                "alternating brokers, after an unmeasured lead-in part (%d x the warm-up)", devices,
                devices / 2, settings.qosParts(), settings.qosWarmup(), part, LEAD_IN_WARMUPS));
        for (final Entrant entrant : entrants) {
            final MqttLoad.Qos leadIn = entrant.side().load().qos(population, devices, entrant.subscribesItself(),
                    LEAD_IN_WARMUPS * settings.qosWarmup(), part, settings.qosInFlight(), MqttLoad.Hook.NONE);
            say(entrant.side().name() + ": QoS 1 lead-in part (not measured): " + leadIn.describe());
        }
        final List<Entrant> round = new ArrayList<>(entrants);
        final List<Entrant> back = new ArrayList<>(entrants);
        Collections.reverse(back);
        round.addAll(back);
        final Map<Entrant, Tally> tallies = new LinkedHashMap<>();
        entrants.forEach(entrant -> tallies.put(entrant, new Tally()));
        for (int r = 0; r < settings.qosRounds(); r++) {
            for (final Entrant entrant : round) {
                part(entrant, tallies.get(entrant), part);
            }
        }
        final Map<String, Result> results = new LinkedHashMap<>();
        tallies.forEach((entrant, tally) -> results.put(entrant.side().name(),
                new Result(tally.qos, tally.cpu, List.copyOf(tally.partRates))));
        results.forEach((name, result) -> say(name + ": broker " + result.cpu().describe("message") + "; " +
                result.busyCores()));
        return results;
    }

    private void part(final Entrant entrant, final Tally tally, final int part) throws Exception {
        final BrokerSide side = entrant.side();
        final CpuMeter.Sample[] machine = new CpuMeter.Sample[1];
        final BrokerCpu.Reading[] reading = new BrokerCpu.Reading[1];
        tally.parts++;
        final long[] clientsNanos = new long[1];
        meter.profileStart(side, "qos-" + tally.parts);
        final MqttLoad.Qos measured = side.load().qos(population, settings.qosDevices(), entrant.subscribesItself(),
                settings.qosWarmup(), part, settings.qosInFlight(), new MqttLoad.Hook() {
                    @Override
                    public void before() throws Exception {
                        meter.settle(side);
                        machine[0] = CpuMeter.sample();
                        reading[0] = side.cpu();
                        clientsNanos[0] = CpuMeter.ownProcessNanos();
                    }

                    @Override
                    public void after(final long units) throws Exception {
                        final long clients = CpuMeter.ownProcessNanos() - clientsNanos[0];
                        final BrokerCpu.Usage usage = BrokerCpu.Usage.between(reading[0], side.cpu(), units);
                        tally.cpu = tally.cpu.plus(usage);
                        meter.noteCpu(side.name() + " QoS 1", machine[0], CpuMeter.sample());
                        meter.noteCosts(side.name() + " QoS 1", usage, clients, "message");
                    }
                });
        meter.profileStop(side);
        tally.qos = tally.qos == null ? measured : tally.qos.plus(measured);
        tally.partRates.add(measured.rate());
        say(side.name() + ": QoS 1: " + measured.describe());
    }
}
