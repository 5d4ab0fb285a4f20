package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A broken config.xml keeps the extension from starting, and then the broker admits nobody: fail closed. (No DB is
 * needed: the extension never gets as far as connecting to one.)
 */
class BrokenConfigIT {

    @Test
    void brokenConfigMeansNobodyGetsIn() {
        final String broken = EmbeddedBroker.shippedConfigFor("jdbc:mysql://127.0.0.1:1/accounts", "app", "x")
                .replace("<pool-size>8</pool-size>", "<pool-size>eight</pool-size>");
        try (EmbeddedBroker broker = EmbeddedBroker.start(broken)) {
            final MqttClients mqtt = new MqttClients(broker.port());
            final Mqtt5ConnAckReasonCode code = mqtt.connect5("00:1B:FE:0D:44:21", "anything");
            assertNotEquals(Mqtt5ConnAckReasonCode.SUCCESS, code);
        }
    }

    @Test
    void missingEnvironmentVariableMeansNobodyGetsIn() throws Exception {
        // the shipped file as is: ${ENV:ACCOUNT_AUTH_JDBC_URL} is not set in the test JVM
        final String shipped = java.nio.file.Files.readString(EmbeddedBroker.projectDir().resolve("conf/config.xml"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(shipped)) {
            final MqttClients mqtt = new MqttClients(broker.port());
            assertNotEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("alice@example.com", "anything"));
        }
    }
}
