package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.Folders;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two broker nodes on one account DB: node A in this JVM, node B the test broker in a JVM of its own (as a second
 * HiveMQ would be). One unpairing reaches the user's connections on both nodes within the bound.
 */
class MultiNodeLiveChangesIT {

    static final long BOUND_MILLIS = 5_000;

    static BrokerWithDatabase nodeA;
    static Process nodeB;
    static int nodeBPort;
    static Path nodeBData;

    @BeforeAll
    static void startBothNodes() throws Exception {
        final String hash = BCrypt.hashpw("pw", BCrypt.gensalt(4));
        nodeA = BrokerWithDatabase.start(db -> {
            db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES " +
                    "(1, '00:1B:FE:0D:44:21', 'XRHIU1Z76KFMWXPDWQFM', 'orbweb', 'ipcam', ?)", hash);
            db.execute("INSERT INTO accounts (id, email, password_hash) VALUES (1, 'alice@example.com', ?)", hash);
            db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (1, 1, 'owner')");
        }, config -> config);
        nodeBPort = HiveMqLauncher.freePort();
        nodeBData = Files.createTempDirectory("account-auth-node-b");
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Daccountauth.basedir=" + System.getProperty("accountauth.basedir"),
                "-Daccountauth.zip=" + System.getProperty("accountauth.zip"),
                "-cp", System.getProperty("java.class.path"),
                "com.accountauth.extension.testbroker.TestBroker",
                "--data", nodeBData.toString(), "--mqtt-port", Integer.toString(nodeBPort), "--tls-port", "0",
                "--device-tls-port", "0", "--ws-port", "0"));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ACCOUNT_AUTH_JDBC_URL", nodeA.db().jdbcUrl());
        builder.environment().put("ACCOUNT_AUTH_DB_USER", nodeA.db().appUser());
        builder.environment().put("ACCOUNT_AUTH_DB_PASSWORD", nodeA.db().appPassword());
        nodeB = builder.start();
        final CompletableFuture<Void> up = new CompletableFuture<>();
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(nodeB.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("[node B] " + line);
                    if (line.contains("test broker is up")) {
                        up.complete(null);
                    }
                }
            } catch (final IOException ignored) {
                // node B went away
            }
            up.completeExceptionally(new IllegalStateException("node B ended before it was up"));
        }, "node-b-output");
        reader.setDaemon(true);
        reader.start();
        up.get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopBothNodes() throws Exception {
        if (nodeB != null) {
            nodeB.destroy();
            if (!nodeB.waitFor(30, TimeUnit.SECONDS)) {
                nodeB.destroyForcibly();
            }
        }
        if (nodeA != null) {
            nodeA.close();
        }
        Folders.deleteQuietly(nodeBData); // node B's sessions and queues: a temp folder
    }

    private static boolean subscribeRefused(final Mqtt5BlockingClient client) {
        try {
            client.subscribeWith().topicFilter("/orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM").qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            return false;
        } catch (final Mqtt5SubAckException e) {
            return true;
        }
    }

    @Test
    void unpairingReachesTheUsersConnectionsOnEveryNode() throws Exception {
        final Mqtt5BlockingClient onA = new MqttClients(nodeA.broker().port()).connected5("alice-a",
                "alice@example.com", "pw");
        final Mqtt5BlockingClient onB = new MqttClients(nodeBPort).connected5("alice-b", "alice@example.com", "pw");
        try {
            assertFalse(subscribeRefused(onA));
            assertFalse(subscribeRefused(onB));
            nodeA.db().execute("DELETE FROM pairings WHERE account_id = 1 AND device_id = 1");
            final long start = System.nanoTime();
            boolean refusedOnA = false;
            boolean refusedOnB = false;
            while ((!refusedOnA || !refusedOnB) && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(
                    BOUND_MILLIS)) {
                refusedOnA = refusedOnA || subscribeRefused(onA);
                refusedOnB = refusedOnB || subscribeRefused(onB);
                Thread.sleep(50);
            }
            System.out.printf("[live-changes] unpairing reached both nodes after %d ms (bound %d ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), BOUND_MILLIS);
            assertTrue(refusedOnA, "node A still allows the unpaired device");
            assertTrue(refusedOnB, "node B still allows the unpaired device");
        } finally {
            onA.disconnect();
            onB.disconnect();
        }
    }
}
