package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients of the randomized test: a device's client per device, a clean and a persistent session per user, each
 * connecting, reconnecting, leaving and dropping with its Will at random while the driver changes the DB; plus the
 * service account's two clients, one publishing traffic and probes to every device's topics, one subscribed to
 * everything to see the Wills. Every message a client receives is recorded with the time it arrived.
 */
final class ClientChurner implements AutoCloseable {

    /** A message that reached a client. */
    record Delivery(ChurnedConnection connection, String topic, String payload, long nanos) {
    }

    /** A Will the observer saw, by the id of the connection it came from. */
    record WillSeen(int connectionId, String topic, long nanos) {
    }

    /** A CONNECT and its CONNACK: when it was sent, when answered, and the reason code (null: no answer). */
    record ConnectAttempt(ChurnedConnection connection, long sentNanos, long answeredNanos,
                          Mqtt5ConnAckReasonCode code) {
    }

    /** A client id of the test and the connection it has now (null before the first). */
    static final class Slot {
        final Who who;
        final String clientId;
        final boolean persistent;
        volatile ChurnedConnection connection;

        Slot(final Who who, final String clientId, final boolean persistent) {
            this.who = who;
            this.clientId = clientId;
            this.persistent = persistent;
        }
    }

    private final int port;
    private final RandomPopulation population;
    private final PasswordBook passwords;
    private final DbTimeline timeline;
    private final RandomRunSize size;
    private final InvariantCounts counts;
    final List<Slot> slots = new ArrayList<>();
    final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final Queue<WillSeen> wills = new ConcurrentLinkedQueue<>();
    final Queue<ConnectAttempt> attempts = new ConcurrentLinkedQueue<>();
    final Map<Integer, ChurnedConnection> byId = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger trafficNumber = new AtomicInteger();
    /** When each traffic message ('t:N') was sent, for tracing a late delivery. */
    final java.util.Map<Integer, Long> trafficSentNanos = new java.util.concurrent.ConcurrentHashMap<>();
    private Mqtt5AsyncClient publisher;
    private Mqtt5AsyncClient observer;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private int phase;

    ClientChurner(final int port, final RandomPopulation population, final PasswordBook passwords,
                  final DbTimeline timeline, final RandomRunSize size, final InvariantCounts counts) {
        this.port = port;
        this.population = population;
        this.passwords = passwords;
        this.timeline = timeline;
        this.size = size;
        this.counts = counts;
        for (final Who device : population.devices) {
            slots.add(new Slot(device, "rnd-dev-" + device.id(), device.id() % 2 == 0));
        }
        for (final Who user : population.users) {
            slots.add(new Slot(user, "rnd-app-" + user.id() + "-clean", false));
            slots.add(new Slot(user, "rnd-app-" + user.id() + "-kept", true));
        }
    }

    /** Connects the service account's publisher and observer (the observer subscribed to everything). */
    void startService() throws Exception {
        final String password = passwords.newest(population.service);
        publisher = MqttClient.builder().useMqttVersion5().identifier("rnd-svc-publisher").serverHost("127.0.0.1")
                .serverPort(port).buildAsync();
        publisher.connectWith().cleanStart(true).simpleAuth().username(population.service.username())
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                .get(20, TimeUnit.SECONDS);
        observer = MqttClient.builder().useMqttVersion5().identifier("rnd-svc-observer").serverHost("127.0.0.1")
                .serverPort(port).buildAsync();
        observer.publishes(MqttGlobalPublishFilter.ALL, publish -> {
            final String payload = payload(publish);
            if (payload.startsWith("will:")) {
                wills.add(new WillSeen(Integer.parseInt(payload.substring(5)), publish.getTopic().toString(),
                        System.nanoTime()));
            }
        });
        observer.connectWith().cleanStart(true).simpleAuth().username(population.service.username())
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                .get(20, TimeUnit.SECONDS);
        observer.subscribeWith().topicFilter("/#").qos(MqttQos.AT_LEAST_ONCE).send().get(20, TimeUnit.SECONDS);
    }

    /** Starts churning the clients and publishing traffic, until {@link #pause()}. */
    void resume() {
        running = true;
        phase++;
        for (int t = 0; t < 2; t++) {
            final Random random = new Random(size.seed() * 131 + phase * 7L + t);
            threads.add(start("random-churner", () -> churn(random)));
        }
        final Random random = new Random(size.seed() * 137 + phase);
        threads.add(start("random-traffic", () -> traffic(random)));
    }

    /** Stops churning; returns once no CONNECT or DISCONNECT of the churner is in flight. */
    void pause() throws InterruptedException {
        running = false;
        for (final Thread thread : threads) {
            thread.join(60_000);
        }
        threads.clear();
    }

    private static Thread start(final String name, final Runnable body) {
        final Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void churn(final Random random) {
        while (running) {
            final Slot slot = slots.get(random.nextInt(slots.size()));
            synchronized (slot) {
                step(slot, random);
            }
            sleep(10 + random.nextInt(40));
        }
    }

    private void step(final Slot slot, final Random random) {
        final ChurnedConnection current = slot.connection;
        if (current == null || !current.connected()) {
            connect(slot, random);
            return;
        }
        final int dice = random.nextInt(100);
        if (dice < 30) {
            disconnect(current, false);
        } else if (dice < 55 && current.willTopic != null) {
            disconnect(current, true);
        } else if (dice < 65) {
            disconnect(current, false);
            connect(slot, random);
        }
    }

    /** Connects with the password the DB holds now (sometimes an older one), with a Will at random. */
    ChurnedConnection connect(final Slot slot, final Random random) {
        final DbState state = timeline.latest();
        final Who who = slot.who;
        String password = passwords.passwordOf(state.hashOf(who)).orElse(passwords.newest(who));
        if (random.nextInt(100) < 8) {
            final Optional<String> older = passwords.older(who, password, random);
            if (older.isPresent()) {
                password = older.get();
                counts.connectsWithOldPassword.incrementAndGet();
            }
        }
        final String willTopic = random.nextInt(100) < size.willPercent() ? willTopic(who, state, random) : null;
        final ChurnedConnection connection = new ChurnedConnection(ids.incrementAndGet(), who, slot.clientId,
                slot.persistent, passwords.hashOf(password), willTopic);
        final Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier(slot.clientId)
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, publish -> received(connection, publish));
        connection.client = client;
        byId.put(connection.id, connection);
        Mqtt5ConnectBuilder.Send<CompletableFuture<Mqtt5ConnAck>> connect = client.connectWith().cleanStart(!slot.persistent)
                .sessionExpiryInterval(slot.persistent ? 600 : 0).simpleAuth().username(who.username())
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        if (willTopic != null) {
            connect = connect.willPublish().topic(willTopic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("will:" + connection.id).getBytes(StandardCharsets.UTF_8)).delayInterval(0)
                    .applyWillPublish();
        }
        counts.connects.incrementAndGet();
        final long sent = System.nanoTime();
        Mqtt5ConnAckReasonCode code = null;
        try {
            code = connect.send().get(20, TimeUnit.SECONDS).getReasonCode();
            slot.connection = connection;
        } catch (final ExecutionException e) {
            counts.connectsRefused.incrementAndGet();
            if (e.getCause() instanceof Mqtt5ConnAckException refused) {
                code = refused.getMqttMessage().getReasonCode();
            }
        } catch (final Exception noAnswer) {
            counts.connectsRefused.incrementAndGet();
        }
        attempts.add(new ConnectAttempt(connection, sent, System.nanoTime(), code));
        return connection;
    }

    /** A device's Will goes to its own topic; a user's to the command topic of a device it owns (if any). */
    private String willTopic(final Who who, final DbState state, final Random random) {
        if (who.kind() == Who.Kind.DEVICE) {
            return RandomPopulation.topic(who, "will");
        }
        final List<Long> owned = new ArrayList<>();
        state.pairings.getOrDefault(who.id(), Map.of()).forEach((device, role) -> {
            if ("owner".equals(role)) {
                owned.add(device);
            }
        });
        owned.sort(Long::compare);
        return owned.isEmpty() ? null :
                RandomPopulation.topic(population.device(owned.get(random.nextInt(owned.size()))), "command");
    }

    void disconnect(final ChurnedConnection connection, final boolean withWill) {
        try {
            if (withWill) {
                connection.willCausedNanos = System.nanoTime();
                connection.client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                        .send().get(10, TimeUnit.SECONDS);
                counts.dropsWithWill.incrementAndGet();
            } else {
                connection.client.disconnect().get(10, TimeUnit.SECONDS);
                counts.disconnects.incrementAndGet();
            }
        } catch (final Exception alreadyGone) {
            // disconnected by the broker meanwhile
        }
    }

    private void received(final ChurnedConnection connection, final Mqtt5Publish publish) {
        final long now = System.nanoTime();
        final String payload = payload(publish);
        deliveries.add(new Delivery(connection, publish.getTopic().toString(), payload, now));
        counts.deliveries.incrementAndGet();
        if (payload.startsWith("probe:")) {
            connection.probesReceived.add(payload);
        }
    }

    private void traffic(final Random random) {
        while (running) {
            final Who device = population.devices.get(random.nextInt(population.devices.size()));
            final String topic = random.nextInt(100) < 70 ? RandomPopulation.topic(device, "motiondetector") :
                    RandomPopulation.topic(device, "command") + "/x";
            final int number = trafficNumber.incrementAndGet();
            trafficSentNanos.put(number, System.nanoTime());
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("t:" + number).getBytes(StandardCharsets.UTF_8)).send();
            counts.trafficMessages.incrementAndGet();
            sleep(20);
        }
    }

    /** Publishes as the service account and waits for the PUBACK. */
    void publishAsService(final String topic, final String payload) throws Exception {
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send().get(20, TimeUnit.SECONDS);
    }

    /** The connections that are up now. */
    List<ChurnedConnection> connected() {
        final List<ChurnedConnection> up = new ArrayList<>();
        for (final Slot slot : slots) {
            final ChurnedConnection connection = slot.connection;
            if (connection != null && connection.connected()) {
                up.add(connection);
            }
        }
        return up;
    }

    static String payload(final Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        for (final Slot slot : slots) {
            final ChurnedConnection connection = slot.connection;
            if (connection != null && connection.connected()) {
                disconnect(connection, false);
            }
        }
        for (final Mqtt5AsyncClient service : new Mqtt5AsyncClient[]{publisher, observer}) {
            if (service != null && service.getState().isConnected()) {
                try {
                    service.disconnect().get(10, TimeUnit.SECONDS);
                } catch (final Exception ignored) {
                    // going anyway
                }
            }
        }
    }
}
