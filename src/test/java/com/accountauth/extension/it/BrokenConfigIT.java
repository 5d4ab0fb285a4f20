package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.LogCapture;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fail closed wherever the extension is installed: when it cannot start (a broken config.xml, a pool that cannot be
 * built) it starts locked and refuses every CONNECT with 0x88 (3.1.1: 3), also on a broker where HiveMQ CE's
 * allow-all extension would otherwise admit everyone. (No DB is needed: the extension never connects to one.)
 */
class BrokenConfigIT {

    private static final String NO_DB = "jdbc:mysql://127.0.0.1:1/accounts";

    @Test
    void brokenConfigNextToTheAllowAllExtensionAdmitsNobody() {
        final String broken = EmbeddedBroker.shippedConfigFor(NO_DB, "app", "x")
                .replace("<pool-size>8</pool-size>", "<pool-size>eight</pool-size>");
        try (LogCapture log = new LogCapture();
             EmbeddedBroker broker = EmbeddedBroker.start(broken, AllowAllFolderExtension::installInto)) {
            assertNobodyGetsIn(new MqttClients(broker.port()));
            assertTrue(log.contains("<database>/<pool-size>: 'eight' is not a whole number"), log.lines()::toString);
            assertTrue(log.contains("LOCKED"), log.lines()::toString);
            assertTrue(log.contains("refused with 0x88: the extension is locked"), log.lines()::toString);
            // and the operator is told that the allow-all extension is there
            assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("WARN") &&
                    line.contains(AllowAllFolderExtension.ID) && line.contains("is installed and enabled")),
                    log.lines()::toString);
        }
    }

    @Test
    void aPoolThatCannotBeBuiltLocksTheExtensionToo() {
        // valid XML, but the driver class does not exist: the pool fails when it is built, after the config loaded
        final String noDriver = EmbeddedBroker.shippedConfigFor(NO_DB + "?password=url-secret", "app", "x")
                .replace("<pool-size>8</pool-size>",
                        "<pool-size>8</pool-size><driver-class>com.example.NoSuchDriver</driver-class>");
        try (LogCapture log = new LogCapture();
             EmbeddedBroker broker = EmbeddedBroker.start(noDriver, AllowAllFolderExtension::installInto)) {
            assertNobodyGetsIn(new MqttClients(broker.port()));
            assertTrue(log.contains("could not start"), log.lines()::toString);
            assertTrue(log.contains("com.example.NoSuchDriver"), log.lines()::toString);
            assertFalse(log.contains("url-secret"), log.lines()::toString);
        }
    }

    @Test
    void missingEnvironmentVariableMeansNobodyGetsIn() throws Exception {
        // the shipped file as is: ${ENV:ACCOUNT_AUTH_JDBC_URL} is not set in the test JVM
        final String shipped = Files.readString(EmbeddedBroker.projectDir().resolve("conf/config.xml"));
        try (LogCapture log = new LogCapture();
             EmbeddedBroker broker = EmbeddedBroker.start(shipped, AllowAllFolderExtension::installInto)) {
            assertNobodyGetsIn(new MqttClients(broker.port()));
            assertTrue(log.contains("environment variable ACCOUNT_AUTH_JDBC_URL is not set"), log.lines()::toString);
        }
    }

    @Test
    void theAllowAllStandInAdmitsEveryoneWhereAccountAuthIsDisabled() {
        // the control: without account-auth deciding, the stand-in does what the shipped extension does
        final String broken = EmbeddedBroker.shippedConfigFor(NO_DB, "app", "x");
        try (EmbeddedBroker broker = EmbeddedBroker.start(broken, extensions -> {
            AllowAllFolderExtension.installInto(extensions);
            Files.writeString(extensions.resolve("account-auth/DISABLED"), "");
        })) {
            final MqttClients mqtt = new MqttClients(broker.port());
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("00:1B:FE:0D:44:21", "anything"));
            assertEquals(Mqtt3ConnAckReturnCode.SUCCESS, mqtt.connect3("alice@example.com", "anything"));
        }
    }

    private static void assertNobodyGetsIn(final MqttClients mqtt) {
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5("00:1B:FE:0D:44:21", "anything"));
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5("alice@example.com", "alice-pass"));
        assertEquals(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE, mqtt.connect5(null, null));
        assertEquals(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE, mqtt.connect3("00:1B:FE:0D:44:21", "anything"));
        assertEquals(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE, mqtt.connect3("service@example.com", "x"));
    }
}
