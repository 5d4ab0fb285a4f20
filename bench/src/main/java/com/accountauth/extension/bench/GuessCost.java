package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import org.mindrot.jbcrypt.BCrypt;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What a password-guessing flood costs the broker (issue 15's bar: 300 wrong guesses from one address cost at most 6
 * CPU-seconds of broker time, and a cold login from another address meanwhile is answered within 3 s). The test
 * broker runs the shipped config.xml (throttling as shipped, bcrypt cost 10) in its own JVM; 300 CONNECTs with wrong
 * passwords for a real device's username come from 127.0.0.2, {@code guess.inFlight} [50] at a time, and once a
 * third of them are out, a device that has never connected logs in from 127.0.0.3 (after another device's cold
 * login without a flood, for comparison and to warm the broker up). Prints the broker's CPU time
 * during the flood (its idle CPU over the same time subtracted), the answers by reason code, and the cold login's
 * time. Run by bench/guess-flood.sh.
 */
public final class GuessCost {

    private static final int GUESSES = Integer.getInteger("guess.count", 300);
    private static final int IN_FLIGHT = Integer.getInteger("guess.inFlight", 50);
    private static final int COST = Integer.getInteger("guess.bcryptCost", 10);

    public static void main(final String[] args) throws Exception {
        final Path project = EmbeddedBroker.projectDir();
        final Path artifacts = project.resolve("target/guess-cost-" +
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(artifacts);
        final Population population = new Population(4);
        try (MariaDbServer db = MariaDbServer.start(project.resolve("conf/schema.sql"));
             BenchDatabase seeded = new BenchDatabase(db)) {
            seeded.seed(population, BCrypt.hashpw(Population.DEVICE_PASSWORD, BCrypt.gensalt(COST)),
                    BCrypt.hashpw(Population.USER_PASSWORD, BCrypt.gensalt(COST)));
            try (BrokerProcess broker = BrokerProcess.launch("account-auth", 1024, 256, List.of(),
                    artifacts.resolve("broker.stderr.log"))) {
                final String started = broker.call(String.join(" ", "account-auth", artifacts.resolve("broker")
                                .toString(), Soak.shippedZip(db, artifacts).toString(), db.jdbcUrl(), db.appUser(),
                        db.appPassword(), artifacts.resolve("hivemq.log").toString()), Duration.ofMinutes(3));
                final int port = Integer.parseInt(started.replace("port=", "").trim());
                measure(broker, port, population);
            }
        }
        System.exit(0);
    }

    private static void measure(final BrokerProcess broker, final int port, final Population population)
            throws Exception {
        Thread.sleep(5_000); // let the start-up settle
        final double idleFrom = CpuMeter.cpuSeconds(broker.pid());
        final long idleStart = System.nanoTime();
        Thread.sleep(5_000);
        final double idlePerSecond = (CpuMeter.cpuSeconds(broker.pid()) - idleFrom) / ((System.nanoTime() - idleStart)
                / 1e9);

        // the same cold login without a flood first: it also warms up the broker's code path (JIT, pool)
        final double first = coldLogin(port, population.devices.get(2)).get(1, TimeUnit.MINUTES);
        final double quiet = coldLogin(port, population.devices.get(3)).get(1, TimeUnit.MINUTES);
        System.out.printf("cold logins of two devices without a flood: %.2f s (the broker's first), %.2f s%n", first,
                quiet);
        Thread.sleep(2_000);

        final String victim = population.devices.get(0).mac();
        final Map<String, Integer> answers = new ConcurrentHashMap<>();
        final Semaphore slots = new Semaphore(IN_FLIGHT);
        final List<CompletableFuture<?>> all = new ArrayList<>();
        CompletableFuture<Double> coldLogin = null;
        final double cpuFrom = CpuMeter.cpuSeconds(broker.pid());
        final long start = System.nanoTime();
        for (int i = 0; i < GUESSES; i++) {
            slots.acquire();
            final Mqtt5AsyncClient guesser = client(port, "127.0.0.2", "guess-" + i);
            all.add(guesser.connectWith().simpleAuth().username(victim)
                    .password(("wrong-" + i).getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                    .whenComplete((ack, e) -> {
                        final String answer = e == null ? "SUCCESS" : e instanceof Mqtt5ConnAckException refused ?
                                refused.getMqttMessage().getReasonCode().name() : "no answer";
                        answers.merge(answer, 1, Integer::sum);
                        slots.release();
                        if (e == null) {
                            guesser.disconnect();
                        }
                    }));
            if (i == GUESSES / 3) {
                coldLogin = coldLogin(port, population.devices.get(1));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .get(5, TimeUnit.MINUTES);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final double cpu = CpuMeter.cpuSeconds(broker.pid()) - cpuFrom;
        final double coldSeconds = coldLogin == null ? Double.NaN : coldLogin.get(5, TimeUnit.MINUTES);
        System.out.printf("%d wrong guesses from 127.0.0.2 (%d in flight) took %.1f s: %s%n", GUESSES, IN_FLIGHT,
                seconds, new TreeMap<>(answers));
        System.out.printf("broker CPU during the flood: %.2f s (%.2f s measured, less %.2f s idle); bar <= 6 s%n",
                cpu - idlePerSecond * seconds, cpu, idlePerSecond * seconds);
        System.out.printf("cold login of another device from 127.0.0.3 meanwhile: %s; bar <= 3 s%n",
                Double.isNaN(coldSeconds) ? "refused or no answer" : String.format("%.2f s", coldSeconds));
    }

    /** A device that has not connected before logs in from its own address; completes with the seconds it took. */
    private static CompletableFuture<Double> coldLogin(final int port, final Population.Device device) {
        final Mqtt5AsyncClient client = client(port, "127.0.0.3", device.clientId());
        final long sent = System.nanoTime();
        return client.connectWith().simpleAuth().username(device.mac())
                .password(Population.DEVICE_PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                .thenApply(ack -> (System.nanoTime() - sent) / 1e9)
                .exceptionally(e -> Double.NaN);
    }

    private static Mqtt5AsyncClient client(final int port, final String from, final String clientId) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId)
                .transportConfig().serverAddress(new InetSocketAddress("127.0.0.1", port))
                .localAddress(new InetSocketAddress(from, 0)).applyTransportConfig().buildAsync();
    }

    private GuessCost() {
    }
}
