package com.accountauth.extension.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/** Real MQTT 5 clients (HiveMQ MQTT Client, async API, one shared Netty event loop) against one broker port. */
final class MqttLoad {

    private final int port;
    private final Consumer<String> progress;
    /** 0: clean start (the default); otherwise persistent sessions with this expiry, in seconds. */
    private final long sessionExpiry = Long.getLong("bench.sessionExpiry", 0);

    MqttLoad(final int port, final Consumer<String> progress) {
        this.port = port;
        this.progress = progress;
    }

    /** A client with its login; built once per broker, connected and disconnected many times. */
    record Client(Population.Login login, Mqtt5AsyncClient mqtt) {
    }

    Client client(final Population.Login login) {
        return new Client(login, MqttClient.builder()
                .useMqttVersion5()
                .identifier(login.clientId())
                .serverHost("127.0.0.1")
                .serverPort(port)
                .simpleAuth()
                .username(login.username())
                .password(login.password().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildAsync());
    }

    List<Client> clients(final List<Population.Login> logins) {
        final List<Client> clients = new ArrayList<>(logins.size());
        logins.forEach(login -> clients.add(client(login)));
        return clients;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The outcome of connecting a set of clients. */
    record Storm(String label, int clients, int connected, Map<String, Integer> failures, double seconds) {

        double rate() {
            return connected / seconds;
        }

        String describe() {
            return String.format("%s: %,d of %,d connected in %.2f s = %,.1f connects/s%s", label, connected, clients,
                    seconds, rate(), failures.isEmpty() ? "" : ", refused/failed: " + failures);
        }
    }

    /**
     * Connects every client (clean start, no session expiry), at most {@code inFlight} CONNECTs waiting for their
     * CONNACK at any time; the time runs from the first CONNECT to the last CONNACK.
     */
    Storm storm(final String label, final List<Client> clients, final int inFlight, final long timeoutSeconds)
            throws InterruptedException {
        return storm(label, clients, inFlight, timeoutSeconds, false, sessionExpiry);
    }

    /**
     * As {@link #storm(String, List, int, long)}; with {@code subscribe}, each client also subscribes itself to its
     * auto-subscriptions right after its CONNACK (as an app would without account-auth); the time still ends at the
     * last CONNACK, and the call returns when every SUBACK is in.
     */
    Storm storm(final String label, final List<Client> clients, final int inFlight, final long timeoutSeconds,
                final boolean subscribe) throws InterruptedException {
        return storm(label, clients, inFlight, timeoutSeconds, subscribe, sessionExpiry);
    }

    private Storm storm(final String label, final List<Client> clients, final int inFlight, final long timeoutSeconds,
                        final boolean subscribe, final long sessionExpiry) throws InterruptedException {
        final List<CompletableFuture<?>> subscriptions = new ArrayList<>();
        final Semaphore slots = new Semaphore(inFlight);
        final CountDownLatch done = new CountDownLatch(clients.size());
        final AtomicInteger connected = new AtomicInteger();
        final AtomicLong lastAck = new AtomicLong();
        final Map<String, Integer> failures = new ConcurrentHashMap<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        final long start = System.nanoTime();
        long nextReport = start + TimeUnit.SECONDS.toNanos(15);
        for (final Client client : clients) {
            if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            client.mqtt().connectWith().cleanStart(sessionExpiry == 0).sessionExpiryInterval(sessionExpiry).send()
                    .whenComplete((ack, error) -> {
                        if (error == null && ack.getReasonCode() == Mqtt5ConnAckReasonCode.SUCCESS) {
                            connected.incrementAndGet();
                            if (subscribe) {
                                final CompletableFuture<?> suback =
                                        client.mqtt().subscribe(subscribe(client.login().autoSubscriptions()));
                                synchronized (subscriptions) {
                                    subscriptions.add(suback);
                                }
                            }
                        } else {
                            failures.merge(reason(error), 1, Integer::sum);
                        }
                        lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                        slots.release();
                        done.countDown();
                    });
            if (System.nanoTime() > nextReport) {
                nextReport += TimeUnit.SECONDS.toNanos(15);
                final double s = (System.nanoTime() - start) / 1e9;
                progress.accept(String.format("  %s: %,d of %,d connected after %.0f s (%,.1f/s)", label,
                        connected.get(), clients.size(), s, connected.get() / s));
            }
        }
        if (!done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            failures.merge("no CONNACK within " + timeoutSeconds + " s", (int) done.getCount(), Integer::sum);
        }
        final double seconds = (lastAck.get() - start) / 1e9;
        synchronized (subscriptions) {
            try {
                CompletableFuture.allOf(subscriptions.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } catch (final Exception e) {
                failures.merge("SUBSCRIBE failed", 1, Integer::sum);
            }
        }
        return new Storm(label, clients.size(), connected.get(), new TreeMap<>(failures), seconds);
    }

    private static String reason(final Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof Mqtt5ConnAckException connAck) {
            return "CONNACK " + connAck.getMqttMessage().getReasonCode();
        }
        return cause == null ? "CONNACK not success" : cause.getClass().getSimpleName();
    }

    /** Disconnects every connected client and waits for it. */
    void disconnectAll(final List<Client> clients) throws InterruptedException {
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (final Client client : clients) {
            if (client.mqtt().getState().isConnectedOrReconnect()) {
                futures.add(client.mqtt().disconnect().exceptionally(e -> null));
            }
        }
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new IllegalStateException("clients did not disconnect: " + e.getMessage(), e);
        }
        Thread.sleep(2000); // let the broker finish the disconnects (session removal, lifecycle events)
    }

    /** Subscribes every connected client to its auto-subscriptions itself (what account-auth does server-side). */
    void subscribeAll(final List<Client> clients, final int inFlight) throws InterruptedException {
        subscribeAll(clients, client -> client.login().autoSubscriptions(), inFlight);
    }

    /** Subscribes every connected client to the filters given for it. */
    void subscribeAll(final List<Client> clients, final Function<Client, List<String>> filters, final int inFlight)
            throws InterruptedException {
        final Semaphore slots = new Semaphore(inFlight);
        final AtomicInteger refused = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(clients.size());
        for (final Client client : clients) {
            slots.acquire();
            client.mqtt().subscribe(subscribe(filters.apply(client))).whenComplete((ack, error) -> {
                if (error != null || ack.getReasonCodes().stream()
                        .anyMatch(code -> code != Mqtt5SubAckReasonCode.GRANTED_QOS_1)) {
                    refused.incrementAndGet();
                }
                slots.release();
                done.countDown();
            });
        }
        if (!done.await(300, TimeUnit.SECONDS) || refused.get() > 0) {
            throw new IllegalStateException("subscriptions failed: " + refused.get() + " refused, " +
                    done.getCount() + " unanswered");
        }
    }

    private static Mqtt5Subscribe subscribe(final List<String> filters) {
        final List<Mqtt5Subscription> subscriptions = new ArrayList<>();
        for (final String filter : filters) {
            subscriptions.add(Mqtt5Subscription.builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build());
        }
        return Mqtt5Subscribe.builder().addSubscriptions(subscriptions).build();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** End-to-end QoS 1 figures of one or more measured phases; {@code latencies} sorted, in nanoseconds. */
    record Qos(int messages, int delivered, long duplicates, int publishFailures, double seconds, long[] latencies) {

        double rate() {
            return delivered / seconds;
        }

        double p50Millis() {
            return percentile(latencies, 0.50);
        }

        double p99Millis() {
            return percentile(latencies, 0.99);
        }

        double maxMillis() {
            return latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6;
        }

        /** Both phases together: the rate over their summed time, percentiles over all their messages. */
        Qos plus(final Qos other) {
            final long[] all = Arrays.copyOf(latencies, latencies.length + other.latencies.length);
            System.arraycopy(other.latencies, 0, all, latencies.length, other.latencies.length);
            Arrays.sort(all);
            return new Qos(messages + other.messages, delivered + other.delivered, duplicates + other.duplicates,
                    publishFailures + other.publishFailures, seconds + other.seconds, all);
        }

        String describe() {
            return String.format("%,d of %,d messages delivered in %.2f s = %,.0f msgs/s; latency p50 %.2f ms, " +
                            "p99 %.2f ms, max %.1f ms; duplicates %,d; publish failures %d", delivered, messages,
                    seconds, rate(), p50Millis(), p99Millis(), maxMillis(), duplicates, publishFailures);
        }
    }

    private static final byte PROBE = 1;
    private static final byte DATA = 2;
    private static final int PAYLOAD_BYTES = 64;

    /** What the receivers fill in during one phase. */
    private static final class Phase {
        final int id;
        final AtomicIntegerArray seen;
        final long[] latencyNanos;
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong lastDelivery = new AtomicLong();
        final Semaphore inFlight;

        Phase(final int id, final int messages, final int inFlight) {
            this.id = id;
            this.seen = new AtomicIntegerArray(messages);
            this.latencyNanos = new long[messages];
            this.inFlight = new Semaphore(inFlight);
        }
    }

    private volatile Phase phase = new Phase(-1, 0, 0);

    /**
     * Devices publish QoS 1 to their own event topics; the paired users (connected first, subscribed server-side by
     * account-auth, or by themselves when {@code selfSubscribe}) receive. At most {@code inFlight} messages are
     * between publish and first delivery at any time. A warm-up phase runs first.
     */
    Qos qos(final Population population, final int deviceCount, final boolean selfSubscribe, final int warmup,
            final int messages, final int inFlight, final Hook aroundMeasured) throws Exception {
        return qos(population, deviceCount, selfSubscribe ? Population.User::autoSubscriptions : null, warmup,
                messages, inFlight, aroundMeasured);
    }

    /**
     * As above; the users subscribe themselves to {@code selfFilters} (null: they rely on the server-side
     * subscriptions alone).
     */
    Qos qos(final Population population, final int deviceCount,
            final Function<Population.User, List<String>> selfFilters, final int warmup, final int messages,
            final int inFlight, final Hook aroundMeasured) throws Exception {
        final int perUser = population.devicesPerUser;
        final List<Population.User> users = population.users.subList(0, deviceCount / perUser);
        final List<Population.Device> devices = population.devices.subList(0, deviceCount);
        final boolean[][] probed = new boolean[users.size()][perUser];
        final List<Client> receivers = new ArrayList<>();
        for (final Population.User user : users) {
            final Client client = client(Population.login(user));
            final int userIndex = user.index();
            client.mqtt().publishes(MqttGlobalPublishFilter.ALL, publish -> received(publish, probed, userIndex));
            receivers.add(client);
        }
        final List<Client> senders = new ArrayList<>();
        devices.forEach(device -> senders.add(client(Population.login(device))));
        try {
            connectAll(receivers);
            if (selfFilters != null) {
                final Map<Client, Population.User> userOf = new IdentityHashMap<>();
                for (int i = 0; i < receivers.size(); i++) {
                    userOf.put(receivers.get(i), users.get(i));
                }
                subscribeAll(receivers, client -> selfFilters.apply(userOf.get(client)), 100);
            }
            connectAll(senders);
            awaitSubscriptions(devices, senders, probed, perUser);
            final Qos warm = run(1, devices, senders, warmup, inFlight);
            progress.accept("  QoS 1 warm-up: " + warm.describe());
            aroundMeasured.before();
            final Qos measured = run(2, devices, senders, messages, inFlight);
            aroundMeasured.after(measured.delivered());
            return measured;
        } finally {
            disconnectAll(senders);
            disconnectAll(receivers);
        }
    }

    private void connectAll(final List<Client> clients) throws InterruptedException {
        final Storm storm = storm("QoS clients", clients, 100, 120);
        if (storm.connected() != clients.size()) {
            throw new IllegalStateException("QoS clients could not connect: " + storm.describe());
        }
    }

    private void received(final Mqtt5Publish publish, final boolean[][] probed, final int userIndex) {
        final long now = System.nanoTime();
        final ByteBuffer payload = ByteBuffer.wrap(publish.getPayloadAsBytes());
        final byte kind = payload.get();
        if (kind == PROBE) {
            final int device = payload.getInt();
            probed[userIndex][device % probed[userIndex].length] = true;
            return;
        }
        final int phaseId = payload.getInt();
        final int seq = payload.getInt();
        final long sent = payload.getLong();
        final Phase current = phase;
        if (kind != DATA || phaseId != current.id || seq >= current.latencyNanos.length) {
            return;
        }
        if (current.seen.compareAndSet(seq, 0, 1)) {
            current.latencyNanos[seq] = now - sent;
            current.delivered.incrementAndGet();
            current.lastDelivery.accumulateAndGet(now, Math::max);
            current.inFlight.release();
        } else {
            current.duplicates.incrementAndGet();
        }
    }

    /** Until every user has received a probe from each of its devices: the subscriptions are in place. */
    private void awaitSubscriptions(final List<Population.Device> devices, final List<Client> senders,
                                    final boolean[][] probed, final int perUser) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            int missing = 0;
            for (int i = 0; i < devices.size(); i++) {
                if (!probed[i / perUser][i % perUser]) {
                    missing++;
                    final ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES).put(PROBE).putInt(i);
                    senders.get(i).mqtt().publishWith().topic(devices.get(i).topic("probe"))
                            .qos(MqttQos.AT_LEAST_ONCE).payload(payload.array()).send();
                }
            }
            if (missing == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(missing + " device(s) still not reaching their users after 60 s");
            }
            Thread.sleep(1000);
        }
    }

    private Qos run(final int id, final List<Population.Device> devices, final List<Client> senders,
                    final int messages, final int inFlight) throws InterruptedException {
        final Phase current = new Phase(id, messages, inFlight);
        phase = current;
        final AtomicInteger publishFailures = new AtomicInteger();
        final String[] topics = devices.stream().map(d -> d.topic("motiondetector")).toArray(String[]::new);
        final long start = System.nanoTime();
        for (int seq = 0; seq < messages; seq++) {
            if (!current.inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("QoS 1: no delivery for 30 s (" + current.delivered.get() + " of " +
                        messages + " delivered, " + publishFailures.get() + " publish failures)");
            }
            final int device = seq % devices.size();
            final ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES).put(DATA).putInt(id).putInt(seq)
                    .putLong(System.nanoTime());
            senders.get(device).mqtt().publishWith().topic(topics[device]).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.array()).send()
                    .whenComplete((result, error) -> {
                        if (error != null || result.getError().isPresent()) {
                            publishFailures.incrementAndGet();
                        }
                    });
        }
        if (!current.inFlight.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("QoS 1: " + (messages - current.delivered.get()) +
                    " messages not delivered within 60 s");
        }
        final double seconds = (current.lastDelivery.get() - start) / 1e9;
        final long[] sorted = Arrays.copyOf(current.latencyNanos, messages);
        Arrays.sort(sorted);
        return new Qos(messages, current.delivered.get(), current.duplicates.get(), publishFailures.get(), seconds,
                sorted);
    }

    private static double percentile(final long[] sorted, final double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))] / 1e6;
    }

    /** Called around the measured part of a phase. */
    interface Hook {
        /** Nothing around it: a part whose figures nobody uses. */
        Hook NONE = new Hook() {
            @Override
            public void before() {
            }

            @Override
            public void after(final long units) {
            }
        };

        void before() throws Exception;

        void after(long units) throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** {@code count} clients of one principal with distinct client ids, all CONNECTs sent at once. */
    Storm crowd(final Population.User user, final int count) throws InterruptedException {
        final List<Client> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(client(new Population.Login(String.format("%s-%03d", user.clientId(), i), user.email(),
                    Population.USER_PASSWORD, List.of())));
        }
        try {
            // clean sessions whatever -Dbench.sessionExpiry says: 100 sessions left behind, subscribed to two of the
            // QoS devices, would get every message of those devices queued, on account-auth's broker only
            return storm("100 clients of one account", clients, count, 60, false, 0);
        } finally {
            disconnectAll(clients);
        }
    }
}
