package com.accountauth.extension.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A password-guessing flood from an address of its own (127.0.0.2): CONNECTs with wrong passwords for a real
 * device's username, at a steady rate, each answer counted by its reason code. The device itself connects from
 * 127.0.0.1 and must not be locked out by it.
 */
final class GuessFlood implements AutoCloseable {

    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    GuessFlood(final int port, final String username, final int perSecond) {
        thread = new Thread(() -> run(port, username, perSecond), "soak-guess-flood");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(final int port, final String username, final int perSecond) {
        final long pause = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
        long next = System.nanoTime();
        int guess = 0;
        while (running) {
            final Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5()
                    .identifier("soak-guess-" + (guess % 1000))
                    .transportConfig().serverAddress(new InetSocketAddress("127.0.0.1", port))
                    .localAddress(new InetSocketAddress("127.0.0.2", 0)).applyTransportConfig()
                    .buildBlocking();
            String answer;
            try {
                client.connectWith().cleanStart(true).simpleAuth().username(username)
                        .password(("guess-" + guess++).getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
                answer = "SUCCESS";
                client.disconnect();
            } catch (final Mqtt5ConnAckException refused) {
                answer = refused.getMqttMessage().getReasonCode().name();
            } catch (final RuntimeException e) {
                answer = "no answer";
            }
            answers.computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
            next += pause;
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (final InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime(); // fell behind (the broker was down): no burst to catch up
            }
        }
    }

    long count(final String answer) {
        final AtomicLong n = answers.get(answer);
        return n == null ? 0 : n.get();
    }

    /** Every answer so far by reason code. */
    Map<String, Long> answers() {
        final Map<String, Long> copy = new TreeMap<>();
        answers.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
