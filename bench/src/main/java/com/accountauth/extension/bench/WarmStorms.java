package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Scenario: reconnect storms with warm caches, after unmeasured warm-up storms. Rounds of account-auth's storm,
 * allow-all's, allow-all's with the clients subscribing themselves (reference) and the floor's (reference), in
 * A B B A order; account-auth's DB statements are counted.
 */
final class WarmStorms {

    /** One broker's measured warm storms. */
    record Storms(List<MqttLoad.Storm> storms, List<Double> clientsMicros, BrokerCpu.Usage cpu) {

        /** The median rate. */
        double rate() {
            return median(storms);
        }

        /**
         * The median rate, each storm's rate scaled to the machine's usual speed: by its clients' CPU per connect
         * against {@code usualClientsMicros}.
         */
        double rateAtUsualSpeed(final double usualClientsMicros) {
            final double[] rates = new double[storms.size()];
            for (int i = 0; i < rates.length; i++) {
                rates[i] = storms.get(i).rate() * clientsMicros.get(i) / usualClientsMicros;
            }
            return median(rates);
        }

        long failures() {
            return storms.stream().mapToLong(s -> s.clients() - s.connected()).sum();
        }

        /** How many cores the broker kept busy over its measured storms: near its cores when it set the pace. */
        String busyCores() {
            final double seconds = storms.stream().mapToDouble(MqttLoad.Storm::seconds).sum();
            return String.format("%.2f cores busy during the storms", cpu.process() / 1e9 / seconds);
        }
    }

    /**
     * @param allowAllSubscribing allow-all's storms whose clients subscribe themselves after CONNACK; its
     *                            {@code clientsMicros} are not kept (they are not part of the usual speed)
     */
    record Result(Storms accountAuth, Storms allowAll, Storms floor, Storms allowAllSubscribing,
                  BenchDatabase.Counts accountAuthDb) {

        /** The clients' median CPU per connect over every measured warm storm of the run. */
        double usualClientsMicros() {
            return median(List.of(accountAuth, allowAll, floor).stream()
                    .flatMap(side -> side.clientsMicros().stream()).mapToDouble(Double::doubleValue).toArray());
        }
    }

    /** What one broker's storms add up to while they run. */
    private static final class Tally {
        final List<MqttLoad.Storm> storms = new ArrayList<>();
        final List<Double> clientsMicros = new ArrayList<>();
        BrokerCpu.Usage cpu = BrokerCpu.Usage.NONE;

        Storms storms() {
            return new Storms(List.copyOf(storms), List.copyOf(clientsMicros), cpu);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private final PhaseMeter meter;
    private final int inFlight;
    private final int rounds;
    private final int warmupStorms;

    WarmStorms(final PhaseMeter meter, final int inFlight, final int rounds, final int warmupStorms) {
        this.meter = meter;
        this.inFlight = inFlight;
        this.rounds = rounds;
        this.warmupStorms = warmupStorms;
    }

    Result run(final BrokerSide aa, final BrokerSide al, final BrokerSide fl, final BenchDatabase db)
            throws Exception {
        // each broker JVM compiles its connect path on its own: unmeasured storms first, until all run warm
        for (int i = 1; i <= warmupStorms; i++) {
            for (final BrokerSide side : List.of(aa, al, fl)) {
                final MqttLoad.Storm storm = side.load().storm("warm-up storm " + i, side.clients(), inFlight, 600);
                say(side.name() + ": " + storm.describe() + " (not measured)");
                side.load().disconnectAll(side.clients());
            }
        }
        // allow-all's reference storms, whose clients subscribe themselves, have their own code path to compile
        final MqttLoad.Storm selfSubscribing = al.load().storm("warm-up storm, clients subscribing after CONNACK",
                al.clients(), inFlight, 600, true);
        say(al.name() + ": " + selfSubscribing.describe() + " (not measured)");
        al.load().disconnectAll(al.clients());
        say(String.format("warm storms: %d rounds, %,d clients each, <= %d CONNECTs in flight, alternating brokers",
                rounds, aa.clients().size(), inFlight));
        final Tally aaTally = new Tally();
        final Tally alTally = new Tally();
        final Tally flTally = new Tally();
        final Tally subscribingTally = new Tally();
        final BenchDatabase.Counts[] aaDb = {BenchDatabase.Counts.of(List.of())};
        for (int round = 1; round <= rounds; round++) {
            final String label = "warm storm " + round;
            final List<Step> order = new ArrayList<>();
            order.add(() -> {
                db.takeStatements();
                storm(aa, aaTally, label, () -> aaDb[0] = aaDb[0].plus(BenchDatabase.Counts.of(db.takeStatements())));
            });
            order.add(() -> storm(al, alTally, label, () -> { }));
            order.add(() -> {
                final String subscribing = label + ", clients subscribing after CONNACK";
                final MqttLoad.Storm storm = meter.measured("allow-all " + subscribing, al,
                        () -> al.load().storm(subscribing, al.clients(), inFlight, 600, true),
                        MqttLoad.Storm::connected,
                        (usage, clients) -> subscribingTally.cpu = subscribingTally.cpu.plus(usage));
                subscribingTally.storms.add(storm);
                say("allow-all: " + storm.describe());
                al.load().disconnectAll(al.clients());
            });
            order.add(() -> storm(fl, flTally, label, () -> { }));
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            for (final Step step : order) {
                step.run();
            }
        }
        say("account-auth: DB statements in " + rounds + " warm storms: " + aaDb[0].describe());
        final Result result = new Result(aaTally.storms(), alTally.storms(), flTally.storms(),
                subscribingTally.storms(), aaDb[0]);
        for (final BrokerSide side : List.of(aa, al, fl)) {
            final Storms storms = side == aa ? result.accountAuth() : side == al ? result.allowAll() : result.floor();
            say(side.name() + ": broker " + storms.cpu().describe("connect") + "; " + storms.busyCores());
        }
        return result;
    }

    /**
     * One measured warm storm of a broker; {@code afterMeasured} runs once it is over, before its clients disconnect
     * (account-auth's DB statements are counted there).
     */
    private void storm(final BrokerSide side, final Tally tally, final String label, final Step afterMeasured)
            throws Exception {
        meter.profileStart(side, "warm-storm-" + label.substring(label.length() - 1));
        final MqttLoad.Storm storm = meter.measured(side.name() + " " + label, side,
                () -> side.load().storm(label, side.clients(), inFlight, 600), MqttLoad.Storm::connected,
                (usage, clients) -> {
                    tally.cpu = tally.cpu.plus(usage);
                    tally.clientsMicros.add(clients / 1e3 / Math.max(1, usage.units()));
                });
        meter.profileStop(side);
        afterMeasured.run();
        tally.storms.add(storm);
        say(side.name() + ": " + storm.describe());
        side.load().disconnectAll(side.clients());
    }

    static double median(final List<MqttLoad.Storm> storms) {
        return median(storms.stream().mapToDouble(MqttLoad.Storm::rate).toArray());
    }

    /** The middle value (the upper one of an even count), as the warm figure has always been taken; NaN if none. */
    static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }
}
