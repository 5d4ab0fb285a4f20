package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.FastSchemeHashes;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.codahale.metrics.MetricRegistry;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cold reconnect storm of devices on the fast scheme (or on bcrypt, for comparison): N devices, each with its own
 * secret, connect once after the broker's start (their rows preloaded by the shipped config, their client ids new: a
 * bind and a reservation look-up and a hash check each), disconnect, and connect again (warm:
 * decided from the caches), after N other devices did the same to warm the JITs up. Prints both rates and their
 * ratio (issue 18's bar: cold >= 0.8 x warm). The broker runs in this JVM with the built ZIP (as the integration
 * tests do), so the figures are rougher than bench/run.sh's, which runs the brokers in JVMs of their own.
 * <p>
 * Run with {@code bench/fast-cold-storm.sh [N] [fast|bcrypt]} (default 2000 fast); -Dbench.inFlight [100],
 * -Dbench.workers [as shipped: cores + 8] ({@code <worker-threads>}), -Dbench.pool [8] ({@code <pool-size>}),
 * -Dbench.jdbcParams [none] (driver properties appended to the JDBC URL).
 */
public final class FastColdStorm {

    private static final int IN_FLIGHT = Integer.getInteger("bench.inFlight", 100);
    /** {@code <worker-threads>}; 0: as shipped (cores + 8: a cold CONNECT on the fast scheme waits on the DB). */
    private static final int WORKERS = Integer.getInteger("bench.workers", 0);
    /** {@code <database><pool-size>}, as shipped unless set. */
    private static final int POOL = Integer.getInteger("bench.pool", 8);
    /** Driver properties added to the JDBC URL (e.g. {@code cachePrepStmts=true}), to try the driver's own knobs. */
    private static final String JDBC_PARAMS = System.getProperty("bench.jdbcParams", "");

    private FastColdStorm() {
    }

    public static void main(final String[] args) throws Exception {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        final boolean fast = !(args.length > 1 && args[1].equals("bcrypt"));
        final List<String> secrets = new ArrayList<>();
        // the first N warm the JITs of broker and client up (a cold and a warm storm of their own), the second N
        // are measured
        for (int i = 0; i < 2 * n; i++) {
            secrets.add("secret-" + i + "-" + Long.toHexString(Double.doubleToLongBits(Math.random())));
        }
        try (BrokerWithDatabase env = BrokerWithDatabase.start(db -> seed(db, fast, secrets),
                config -> config.replace("<!-- <worker-threads>2</worker-threads> -->", WORKERS == 0 ? "" :
                        "<worker-threads>" + WORKERS + "</worker-threads>")
                        .replace("<pool-size>8</pool-size>", "<pool-size>" + POOL + "</pool-size>")
                        .replaceFirst("(<jdbc-url>[^<]*)</jdbc-url>", JDBC_PARAMS.isEmpty() ? "$1</jdbc-url>" :
                                "$1&amp;" + JDBC_PARAMS.replace("&", "&amp;") + "</jdbc-url>"))) {
            final int port = env.broker().port();
            storm(port, secrets, 0, n);
            storm(port, secrets, 0, n);
            final Map<String, Long> before = timerCounts(env.broker().metricRegistry());
            final double cold = storm(port, secrets, n, 2 * n);
            final String coldTimers = timers(env.broker().metricRegistry(), before, n);
            final double warm = storm(port, secrets, n, 2 * n);
            System.out.printf("fast-cold-storm: %,d devices on %s, <= %d CONNECTs in flight, %d worker threads, " +
                    "pool of %d, broker in this JVM%s%n", n, fast ? "the fast scheme ($sha256$)" : "bcrypt cost 10",
                    IN_FLIGHT, WORKERS == 0 ? Runtime.getRuntime().availableProcessors() + 8 : WORKERS, POOL,
                    JDBC_PARAMS.isEmpty() ? "" : ", JDBC " + JDBC_PARAMS);
            System.out.printf("  cold (first CONNECT after start): %,.0f CONNECTs/s%n", cold);
            System.out.printf("  warm (cached):       %,.0f CONNECTs/s%n", warm);
            System.out.printf("  cold / warm = %.2f (bar: >= 0.80)%n", cold / warm);
            System.out.print(coldTimers);
        }
    }

    private static Map<String, Long> timerCounts(final MetricRegistry registry) {
        final Map<String, Long> counts = new TreeMap<>();
        registry.getTimers((name, metric) -> name.startsWith("com.accountauth."))
                .forEach((name, timer) -> counts.put(name, timer.getCount()));
        return counts;
    }

    /**
     * Where the cold storm's CONNECTs spent their time: per timer of the extension, runs per CONNECT and the mean of
     * its recent runs (the registry's reservoir), so statements per connect and their cost show side by side.
     */
    private static String timers(final MetricRegistry registry, final Map<String, Long> before, final int connects) {
        final StringBuilder out = new StringBuilder("  cold storm, per CONNECT (the extension's timers):\n");
        registry.getTimers((name, metric) -> name.startsWith("com.accountauth.")).forEach((name, timer) -> {
            final long runs = timer.getCount() - before.getOrDefault(name, 0L);
            if (runs > 0) {
                out.append(String.format("    %-55s %5.2f runs, mean %7.2f ms, p95 %7.2f ms%n",
                        name.substring("com.accountauth.".length()), (double) runs / connects,
                        timer.getSnapshot().getMean() / 1e6, timer.getSnapshot().get95thPercentile() / 1e6));
            }
        });
        return out.toString();
    }

    private static void seed(final MariaDbServer db, final boolean fast, final List<String> secrets) {
        try (Connection connection = db.rootConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO accounts.devices " +
                     "(id, mac, uid, vendor, model, password_hash) VALUES (?, ?, ?, 'orbweb', 'ipcam', ?)")) {
            for (int i = 0; i < secrets.size(); i++) {
                insert.setInt(1, i + 1);
                insert.setString(2, mac(i));
                insert.setString(3, "UID" + i);
                insert.setString(4, fast ? FastSchemeHashes.sha256(secrets.get(i)) : BCrypt.hashpw(secrets.get(i),
                        BCrypt.gensalt(10)));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mac(final int i) {
        return String.format("02:00:00:%02X:%02X:%02X", (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
    }

    /** Connects devices from..to (at most IN_FLIGHT at once), then disconnects them; CONNECTs per second. */
    private static double storm(final int port, final List<String> secrets, final int from, final int to)
            throws Exception {
        final Semaphore inFlight = new Semaphore(IN_FLIGHT);
        final AtomicInteger failed = new AtomicInteger();
        final List<Mqtt5AsyncClient> clients = new ArrayList<>();
        final List<CompletableFuture<?>> connects = new ArrayList<>();
        final long start = System.nanoTime();
        for (int i = from; i < to; i++) {
            inFlight.acquire();
            final Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("storm-" + i)
                    .serverHost("127.0.0.1").serverPort(port).buildAsync();
            clients.add(client);
            connects.add(client.connectWith().cleanStart(true).simpleAuth().username(mac(i))
                    .password(secrets.get(i).getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                    .whenComplete((ack, e) -> {
                        if (e != null || ack.getReasonCode() != Mqtt5ConnAckReasonCode.SUCCESS) {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    }));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                .get(10, TimeUnit.MINUTES);
        final double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " CONNECTs failed");
        }
        CompletableFuture.allOf(clients.stream().map(Mqtt5AsyncClient::disconnect)
                .toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
        return (to - from) / seconds;
    }
}
