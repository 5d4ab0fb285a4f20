package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guessing is throttled before any bcrypt work, with the shipped {@code <throttling>} values (SECURITY-CASES 30): a
 * flood from one address turns into 0x9F Connection rate exceeded (MQTT 3.1.1: 3), and a flood of guesses for a
 * device's MAC from elsewhere never locks the device out of the address it logs in from. Clients pick their source
 * address in 127.0.0.0/8.
 */
class ThrottlingIT {

    static final String PASSWORD = "cam-pass-1";
    static final String CAMERA = "00:1B:FE:0D:55:01";
    static final String OTHER_CAMERA = "00:1B:FE:0D:55:02";

    static MariaDbServer db;
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start(EmbeddedBroker.projectDir().resolve("conf/schema.sql"));
        final String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?)", CAMERA,
                "THROTTLEUID1", "orbweb", "ipcam", hash);
        db.execute("INSERT INTO devices (mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?)", OTHER_CAMERA,
                "THROTTLEUID2", "orbweb", "ipcam", hash);
        broker = EmbeddedBroker.start(EmbeddedBroker.shippedConfig(db.jdbcUrl(), db.appUser(), db.appPassword()));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static Mqtt5ConnAckReasonCode connect5(final String from, final String clientId, final String username,
                                           final String password) {
        final Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .transportConfig().serverAddress(new InetSocketAddress("127.0.0.1", broker.port()))
                .localAddress(new InetSocketAddress(from, 0)).applyTransportConfig().buildBlocking();
        try {
            final Mqtt5ConnAckReasonCode code = client.connectWith().simpleAuth().username(username)
                    .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().getReasonCode();
            client.disconnect();
            return code;
        } catch (final Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    static Mqtt3ConnAckReturnCode connect3(final String from, final String username, final String password) {
        try {
            final var client = MqttClient.builder().useMqttVersion3().identifier(MqttClients.newId())
                    .transportConfig().serverAddress(new InetSocketAddress("127.0.0.1", broker.port()))
                    .localAddress(new InetSocketAddress(from, 0)).applyTransportConfig().buildBlocking();
            final Mqtt3ConnAckReturnCode code = client.connectWith().simpleAuth().username(username)
                    .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().getReturnCode();
            client.disconnect();
            return code;
        } catch (final Mqtt3ConnAckException e) {
            return e.getMqttMessage().getReturnCode();
        }
    }

    @Test
    void aGuessingFloodIsThrottledWhileTheDeviceStillLogsInFromItsOwnAddress() {
        // the camera's own address: its last good login
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect5("127.0.0.1", "cam-1", CAMERA, PASSWORD));

        final Map<Mqtt5ConnAckReasonCode, Integer> answers = new EnumMap<>(Mqtt5ConnAckReasonCode.class);
        for (int i = 0; i < 40; i++) {
            answers.merge(connect5("127.0.0.2", "guess-" + i, CAMERA, "guess-" + i), 1, Integer::sum);
        }
        System.out.println("[throttling] 40 wrong guesses from one address answered " + answers);
        final int checked = answers.getOrDefault(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, 0);
        assertTrue(checked <= 10, "at most the address's burst may cost a bcrypt check, got " + answers);
        assertEquals(40 - checked, answers.getOrDefault(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED, 0),
                "every other guess is throttled: " + answers);

        // a new client id needs a worker (its owner is not cached): the throttle is asked, and lets it through
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect5("127.0.0.1", "cam-1-new", CAMERA, PASSWORD),
                "a flood from elsewhere must not lock the device out of its own address");
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect5("127.0.0.3", "cam-1-elsewhere", CAMERA, PASSWORD),
                "from an address that never failed for it (a new address, or after a broker restart), the flooded "
                        + "username is not held back");
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                connect5("127.0.0.7", "guess-new", CAMERA, "another-guess"),
                "a guess from a new address is checked once");
        assertEquals(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED,
                connect5("127.0.0.7", "guess-new-2", CAMERA, "yet-another-guess"),
                "and then that address waits for the username's allowance to refill");
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect5("127.0.0.4", "cam-2", OTHER_CAMERA, PASSWORD),
                "another device from another address is untouched");
        assertEquals(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE, connect3("127.0.0.2", CAMERA, "one-more-guess"),
                "MQTT 3.1.1 has no rate code: 3, try again later");
    }

    @Test
    void aFloodSentAllAtOnceCostsOneBurstOfChecksAndTheRestLeavesTheQueueAtNoCost() throws Exception {
        final List<CompletableFuture<Mqtt5ConnAckReasonCode>> answers = new ArrayList<>();
        final long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            final var client = MqttClient.builder().useMqttVersion5().identifier("burst-" + i)
                    .transportConfig().serverAddress(new InetSocketAddress("127.0.0.1", broker.port()))
                    .localAddress(new InetSocketAddress("127.0.0.5", 0)).applyTransportConfig().buildAsync();
            answers.add(client.connectWith().simpleAuth().username("nobody" + i + "@example.com")
                    .password("guess".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                    .thenApply(connAck -> connAck.getReasonCode())
                    .exceptionally(e -> ((Mqtt5ConnAckException) (e.getCause() != null ? e.getCause() : e))
                            .getMqttMessage().getReasonCode()));
        }
        final Map<Mqtt5ConnAckReasonCode, Integer> counts = new EnumMap<>(Mqtt5ConnAckReasonCode.class);
        for (final CompletableFuture<Mqtt5ConnAckReasonCode> answer : answers) {
            counts.merge(answer.get(30, TimeUnit.SECONDS), 1, Integer::sum);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("[throttling] 100 guesses sent at once from one address answered %s in %.1f s%n", counts,
                seconds);
        // each worker may have taken one in hand before the first failures were counted (the checks themselves
        // still run at most <password-check-threads> at once)
        // (the ITs see the extension only as its ZIP: <worker-threads>' default, cores + 8, written out here)
        final int workers = Runtime.getRuntime().availableProcessors() + 8;
        // the shipped address allowance: a burst of 10, refilled at 60 a minute while the flood lasts
        final int allowed = 10 + workers + (int) Math.ceil(seconds);
        assertTrue(counts.getOrDefault(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, 0) <= allowed,
                "only the burst, its refill meanwhile and what the workers had in hand (" + allowed + ") may be "
                        + "checked: " + counts);
        assertEquals(100, counts.getOrDefault(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, 0)
                + counts.getOrDefault(Mqtt5ConnAckReasonCode.CONNECTION_RATE_EXCEEDED, 0), counts.toString());
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect5("127.0.0.6", "cam-2b", OTHER_CAMERA, PASSWORD));
    }
}
