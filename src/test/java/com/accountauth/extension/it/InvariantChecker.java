package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.Mqtt5Unsubscribe;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.Mqtt5UnsubscribeBuilder;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The invariants of live changes, checked with real MQTT and the DB read directly:
 * <ul>
 * <li>after a quiet period of one poll interval plus a margin, every connected client may do exactly what the DB
 * says, probed with SUBSCRIBE (SUBACK codes), PUBLISH (PUBACK codes) and probe messages the service account
 * publishes to every device's command topic (delivered or not); a client the DB no longer admits (disabled,
 * deleted, another password) must not be connected at all;</li>
 * <li>at any time, a message reaches a client only if, at some moment within the bound before it arrived, the DB
 * admitted the connection's password, and at some moment within the bound it paired the principal to the topic's
 * device (each fact on its own, as for a CONNECT below; what was in flight when the right went may still arrive up to
 * the bound);</li>
 * <li>a CONNECT is accepted only if the DB admitted its password (and allowed its Will) at some time from the bound
 * before it was sent until its CONNACK, and refused for its password or as not authorized only if the DB did not
 * admit it throughout that span (0x85 and 0x88 are not judged);</li>
 * <li>a Will is published only for a connection that had the right to publish it within the bound before the test
 * dropped it; a Will the broker publishes on its own (when it disconnects a client for a change) counts as late
 * when the DB had taken the right away by then.</li>
 * </ul>
 * The DB's history comes from the {@link DbTimeline}, whose states are stretched to the widest span they may have
 * been in force, so the checker only ever counts what no ordering of commits could explain.
 */
final class InvariantChecker implements AutoCloseable {

    private static final long PROBE_WAIT_MILLIS = 2_000;
    private static final long SETTLE_MILLIS = 300;

    private final RandomPopulation population;
    private final DbTimeline timeline;
    private final ClientChurner churner;
    private final RandomRunSize size;
    private final InvariantCounts counts;
    private final Connection connection;
    private final long boundNanos;
    private long lastCheckNanos = System.nanoTime();

    InvariantChecker(final MariaDbServer db, final RandomPopulation population, final DbTimeline timeline,
                     final ClientChurner churner, final RandomRunSize size, final InvariantCounts counts)
            throws SQLException {
        this.population = population;
        this.timeline = timeline;
        this.churner = churner;
        this.size = size;
        this.counts = counts;
        this.connection = db.rootConnection();
        this.boundNanos = TimeUnit.MILLISECONDS.toNanos(size.boundMillis());
    }

    /** The checks after an active phase; the driver and the churner are paused. */
    void checkpoint(final int round) throws Exception {
        Thread.sleep(size.boundMillis()); // quiet: every change committed at least one poll plus the margin ago
        final DbState db = DbState.read(connection);
        final List<ChurnedConnection> live = new ArrayList<>();
        for (final ChurnedConnection c : churner.connected()) {
            counts.probes.incrementAndGet();
            if (db.admits(c.who, c.hash)) {
                live.add(c);
            } else {
                counts.staleConnections.incrementAndGet();
                counts.example(round, c + " is still connected, but the DB says " + (!db.exists(c.who) ? "deleted"
                        : !db.enabled(c.who) ? "disabled" : "another password") + lastHeld(c.who, c.hash));
            }
        }
        for (final ChurnedConnection c : live) {
            probeSubscribe(round, c, db);
        }
        probeDelivery(round, live, db);
        for (final ChurnedConnection c : live) {
            probeAllowedPublish(round, c, db);
        }
        final Random random = new Random(size.seed() * 17 + round);
        for (final ChurnedConnection c : live) {
            if (random.nextInt(100) < 50) {
                probeDeniedPublish(round, c, db, random);
            }
        }
        Thread.sleep(SETTLE_MILLIS); // the Wills of connections the denied probes ended
        judgeDeliveries(round);
        lastCheckNanos = System.nanoTime();
        timeline.forgetEndedBefore(lastCheckNanos - 4 * boundNanos);
    }

    /** Judges what arrived after the last checkpoint (call once the clients are quiet). */
    void finish(final int round) throws InterruptedException {
        Thread.sleep(SETTLE_MILLIS);
        judgeDeliveries(round);
    }

    private String lastHeld(final Who who, final String hash) {
        final long now = System.nanoTime();
        final OptionalLong end = timeline.lastEndBefore(now, s -> s.admits(who, hash));
        return end.isPresent() ? " (since " + TimeUnit.NANOSECONDS.toMillis(now - end.getAsLong()) + " ms)" : "";
    }

    /** One SUBSCRIBE of a probe filter of every device: granted exactly where the DB lets it receive. */
    private void probeSubscribe(final int round, final ChurnedConnection c, final DbState db) throws Exception {
        final List<Mqtt5Subscription> filters = new ArrayList<>();
        for (final Who device : population.devices) {
            filters.add(Mqtt5Subscription.builder().topicFilter(RandomPopulation.topic(device, "probe"))
                    .qos(MqttQos.AT_LEAST_ONCE).build());
        }
        List<Mqtt5SubAckReasonCode> codes;
        try {
            codes = c.client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(filters).build())
                    .get(20, TimeUnit.SECONDS).getReasonCodes();
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof Mqtt5SubAckException refused)) {
                counts.example(round, c + " went during the SUBSCRIBE probe: " + e.getCause());
                return;
            }
            codes = refused.getMqttMessage().getReasonCodes();
        }
        Mqtt5UnsubscribeBuilder.Complete unsubscribe = null;
        for (int i = 0; i < filters.size(); i++) {
            final Who device = population.devices.get(i);
            final boolean granted = !codes.get(i).isError();
            final boolean expected = db.mayReceive(c.who, c.hash, device.id());
            counts.probes.incrementAndGet();
            if (granted && !expected) {
                counts.staleSubscribe.incrementAndGet();
                counts.example(round, c + " may SUBSCRIBE to " + device + "'s topics, the DB says it may not"
                        + lastHeld(c, device.id()));
            } else if (!granted && expected) {
                counts.missingSubscribe.incrementAndGet();
                counts.example(round, c + " got " + codes.get(i) + " for " + device
                        + "'s topics, the DB says it may subscribe");
            }
            if (granted) {
                final String filter = filters.get(i).getTopicFilter().toString();
                unsubscribe = unsubscribe == null ? Mqtt5Unsubscribe.builder().addTopicFilter(filter) :
                        unsubscribe.addTopicFilter(filter);
            }
        }
        if (unsubscribe != null) {
            c.client.unsubscribe(unsubscribe.build()).get(20, TimeUnit.SECONDS);
        }
    }

    private String lastHeld(final ChurnedConnection c, final long deviceId) {
        final long now = System.nanoTime();
        final OptionalLong end = timeline.lastEndBefore(now, s -> s.mayReceive(c.who, c.hash, deviceId));
        return end.isPresent() ? " (it last could " + TimeUnit.NANOSECONDS.toMillis(now - end.getAsLong())
                + " ms ago)" : " (not in the states kept)";
    }

    /** The service account publishes a probe to every device's command topic: delivered exactly where allowed. */
    private void probeDelivery(final int round, final List<ChurnedConnection> live, final DbState db)
            throws Exception {
        for (final Who device : population.devices) {
            churner.publishAsService(RandomPopulation.topic(device, "command"), probe(round, device));
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_WAIT_MILLIS);
        while (System.nanoTime() < deadline && !allExpectedArrived(round, live, db)) {
            Thread.sleep(20);
        }
        Thread.sleep(SETTLE_MILLIS);
        for (final ChurnedConnection c : live) {
            for (final Who device : population.devices) {
                final boolean arrived = c.probesReceived.contains(probe(round, device));
                final boolean expected = db.mayReceive(c.who, c.hash, device.id());
                counts.probes.incrementAndGet();
                if (arrived && !expected) {
                    counts.staleDelivery.incrementAndGet();
                    counts.example(round, c + " received the probe to " + device + "'s command topic, the DB says "
                            + "it may not" + lastHeld(c, device.id()));
                } else if (!arrived && expected && c.connected()) {
                    counts.missingDelivery.incrementAndGet();
                    counts.example(round, c + " did not receive the probe to " + device + "'s command topic, the "
                            + "DB says it may (" + (c.who.kind() == Who.Kind.DEVICE ? "its own" : "paired "
                            + db.role(c.who.id(), device.id())) + ")");
                }
            }
        }
    }

    private boolean allExpectedArrived(final int round, final List<ChurnedConnection> live, final DbState db) {
        for (final ChurnedConnection c : live) {
            for (final Who device : population.devices) {
                if (db.mayReceive(c.who, c.hash, device.id()) && c.connected()
                        && !c.probesReceived.contains(probe(round, device))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String probe(final int round, final Who device) {
        return "probe:" + round + ":" + device.id();
    }

    /** What the DB lets the client publish goes through: a user's commands to owned devices, a device's events. */
    private void probeAllowedPublish(final int round, final ChurnedConnection c, final DbState db)
            throws Exception {
        final List<String> topics = new ArrayList<>();
        if (c.who.kind() == Who.Kind.DEVICE) {
            topics.add(RandomPopulation.topic(c.who, "motiondetector") + "/probe");
        } else {
            for (final Who device : population.devices) {
                if (db.mayPublish(c.who, c.hash, device.id(), "command")) {
                    topics.add(RandomPopulation.topic(device, "command") + "/probe");
                }
            }
        }
        for (final String topic : topics) {
            counts.probes.incrementAndGet();
            final Optional<Throwable> refused = publish(c, topic);
            if (refused.isPresent()) {
                counts.missingPublish.incrementAndGet();
                counts.example(round, c + " could not publish to " + topic + " (" + refused.get()
                        + "), the DB says it may");
                return; // the broker closes a connection after a refused PUBLISH
            }
        }
    }

    /**
     * One PUBLISH the DB does not allow: to a device whose commands the client lost since the last checkpoint if
     * there is one, else now and then to any device it may not command. The broker must refuse it (and then closes
     * the connection, which may publish its Will: the test caused that one).
     */
    private void probeDeniedPublish(final int round, final ChurnedConnection c, final DbState db,
                                    final Random random) throws Exception {
        final List<Who> lost = new ArrayList<>();
        final List<Who> never = new ArrayList<>();
        for (final Who device : population.devices) {
            if (db.mayPublish(c.who, c.hash, device.id(), "command")) {
                continue;
            }
            final Predicate<DbState> could = s -> s.mayPublish(c.who, c.hash, device.id(), "command");
            (timeline.anyDuring(lastCheckNanos, System.nanoTime(), could) ? lost : never).add(device);
        }
        final Who target;
        if (!lost.isEmpty()) {
            target = lost.get(random.nextInt(lost.size()));
        } else if (!never.isEmpty() && random.nextInt(100) < 30) {
            target = never.get(random.nextInt(never.size()));
        } else {
            return;
        }
        final String topic = RandomPopulation.topic(target, "command") + "/probe";
        counts.probes.incrementAndGet();
        c.willCausedNanos = System.nanoTime();
        if (publish(c, topic).isEmpty()) {
            counts.stalePublish.incrementAndGet();
            counts.example(round, c + " published to " + topic + " (PUBACK success), the DB says it may not"
                    + (lost.contains(target) ? " (it lost that right since the last checkpoint)" : ""));
        }
    }

    /** The error of a QoS 1 PUBLISH (e.g. a PUBACK with 0x87), empty when it went through. */
    private static Optional<Throwable> publish(final ChurnedConnection c, final String topic) throws Exception {
        try {
            final Mqtt5PublishResult result = c.client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("pub:" + c.id).getBytes(StandardCharsets.UTF_8)).send().get(20, TimeUnit.SECONDS);
            return result.getError();
        } catch (final ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }

    /**
     * Every CONNECT since the last call: accepted only if the DB admitted the password at some time from the bound
     * before it was sent until it was answered, and (with a Will) let the principal publish to the Will's topic at
     * some time in that span; refused for the password or as not authorized only if the DB did not admit them (in
     * one state) throughout that span. The two facts are judged each on its own: the extension reads a principal's
     * row and its pairings with separate statements and applies the changes of each within the bound, so a CONNECT
     * may combine a password from one state with a pairing from a later one, both inside the bound (counted, and
     * printed in the totals, but not a failure).
     */
    private void judgeConnects(final int round) {
        ClientChurner.ConnectAttempt attempt;
        while ((attempt = churner.attempts.poll()) != null) {
            final ChurnedConnection c = attempt.connection();
            final long from = attempt.sentNanos() - boundNanos;
            final long to = attempt.answeredNanos();
            final Optional<RandomPopulation.DeviceTopic> will = c.willTopic == null ? Optional.empty() :
                    population.parse(c.willTopic);
            final Predicate<DbState> admitted = s -> s.admits(c.who, c.hash);
            final Predicate<DbState> willAllowed = s -> will.isEmpty()
                    || s.mayPublishAsPaired(c.who, will.get().deviceId(), will.get().event());
            final Predicate<DbState> allowed = admitted.and(willAllowed);
            final Mqtt5ConnAckReasonCode code = attempt.code();
            counts.probes.incrementAndGet();
            if (code == Mqtt5ConnAckReasonCode.SUCCESS && !timeline.anyDuring(from, to, allowed)) {
                final boolean passwordHeld = timeline.anyDuring(from, to, admitted);
                final boolean willHeld = timeline.anyDuring(from, to, willAllowed);
                if (passwordHeld && willHeld) {
                    counts.connectsOnMixedStates.incrementAndGet();
                    continue;
                }
                counts.staleConnects.incrementAndGet();
                counts.example(round, c + " was accepted, but the DB had not admitted "
                        + (passwordHeld ? "its Will" : "its password") + " for more than the bound (sent "
                        + DbTimeline.wallClock(attempt.sentNanos()) + ", answered "
                        + DbTimeline.wallClock(attempt.answeredNanos()) + ")");
                final long device = will.map(RandomPopulation.DeviceTopic::deviceId).orElse(-1L);
                timeline.describeDuring(from, to, s -> s.describe(c.who, c.hash, device))
                        .forEach(line -> counts.example(round, "  " + line));
            } else if ((code == Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD
                    || code == Mqtt5ConnAckReasonCode.NOT_AUTHORIZED)
                    && !timeline.anyDuring(from, to, allowed.negate())) {
                counts.missingConnects.incrementAndGet();
                counts.example(round, c + " was refused with " + code + ", but the DB had admitted it"
                        + (will.isPresent() ? " with that Will" : "") + " for more than the bound");
            }
        }
    }

    /** Every message and Will that arrived since the last call, against what the DB allowed within the bound. */
    private void judgeDeliveries(final int round) {
        judgeConnects(round);
        ClientChurner.Delivery delivery;
        while ((delivery = churner.deliveries.poll()) != null) {
            final Optional<RandomPopulation.DeviceTopic> topic = population.parse(delivery.topic());
            final ChurnedConnection c = delivery.connection();
            final Predicate<DbState> mayReceive = topic.isEmpty() ? s -> false :
                    s -> s.mayReceive(c.who, c.hash, topic.get().deviceId());
            final long from = delivery.nanos() - boundNanos;
            if (!timeline.anyDuring(from, delivery.nanos(), mayReceive)) {
                // as for a CONNECT: the connection's password (its row) and the pairing each held within the bound,
                // in two states (a refresh reads the row, then the pairings, with separate statements)
                if (topic.isPresent() && timeline.anyDuring(from, delivery.nanos(), s -> s.admits(c.who, c.hash))
                        && timeline.anyDuring(from, delivery.nanos(),
                        s -> s.mayReceiveAsPaired(c.who, topic.get().deviceId()))) {
                    counts.deliveriesOnMixedStates.incrementAndGet();
                    continue;
                }
                counts.lateDeliveries.incrementAndGet();
                final OptionalLong end = timeline.lastEndBefore(delivery.nanos(), mayReceive);
                counts.example(round, c + " received " + delivery.topic() + " '" + delivery.payload() + "' "
                        + (end.isPresent() ? TimeUnit.NANOSECONDS.toMillis(delivery.nanos() - end.getAsLong())
                        + " ms after the DB took the right away" : "without a right in the states kept")
                        + " (bound " + size.boundMillis() + " ms; " + sentAndArrived(delivery) + ")");
                if (topic.isPresent()) {
                    final long device = topic.get().deviceId();
                    timeline.describeDuring(delivery.nanos() - 2 * boundNanos, delivery.nanos(),
                            s -> s.describe(c.who, c.hash, device)).forEach(line -> counts.example(round, "  " + line));
                }
            }
        }
        ClientChurner.WillSeen will;
        while ((will = churner.wills.poll()) != null) {
            counts.willsSeen.incrementAndGet();
            final ChurnedConnection c = churner.byId.get(will.connectionId());
            final Optional<RandomPopulation.DeviceTopic> topic = c == null ? Optional.empty() :
                    population.parse(will.topic());
            final Predicate<DbState> mayPublish = topic.isEmpty() ? s -> false :
                    s -> s.mayPublish(c.who, c.hash, topic.get().deviceId(), topic.get().event());
            final long caused = c == null ? 0 : c.willCausedNanos;
            final boolean late = caused != 0 ? !timeline.anyDuring(caused - boundNanos, caused, mayPublish) :
                    !timeline.anyDuring(will.nanos(), will.nanos(), mayPublish);
            if (late) {
                counts.lateWills.incrementAndGet();
                counts.example(round, "the Will of " + c + " was published " + (caused != 0 ?
                        "when the test dropped it" : "when the broker disconnected it") + ", but the DB had taken "
                        + "away the right to publish it" + (caused != 0 ? " more than the bound before" : ""));
            }
        }
    }

    /** When a traffic message was sent and when it arrived, as the broker's log prints times. */
    private String sentAndArrived(final ClientChurner.Delivery delivery) {
        Long sent = null;
        if (delivery.payload().startsWith("t:")) {
            try {
                sent = churner.trafficSentNanos.get(Integer.parseInt(delivery.payload().substring(2)));
            } catch (final NumberFormatException e) {
                // not a traffic message
            }
        }
        return (sent == null ? "" : "sent " + DbTimeline.wallClock(sent) + ", ") + "arrived "
                + DbTimeline.wallClock(delivery.nanos());
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
