package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.BrokerWithDatabase;
import com.accountauth.extension.testsupport.MariaDbServer;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The optional per-kind client id patterns of config.xml, with the real broker and DB. */
class ClientIdPatternIT {

    static BrokerWithDatabase env;
    static MqttClients mqtt;

    @BeforeAll
    static void start() {
        env = BrokerWithDatabase.start(ClientIdPatternIT::seed, config -> config
                .replace("<!-- <device-pattern>${{mac}}|${{uid}}</device-pattern> -->",
                        "<device-pattern>${{mac}}|${{uid}}</device-pattern>")
                .replace("<!-- <account-pattern>app-${{id}}-.+</account-pattern> -->",
                        "<account-pattern>app-${{id}}-.+</account-pattern>"));
        mqtt = new MqttClients(env.broker().port());
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    static void seed(final MariaDbServer db) {
        final String hash = BCrypt.hashpw("pw", BCrypt.gensalt(4));
        db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES " +
                "(1, '00:1B:FE:0D:44:21', 'XRHIU1Z76KFMWXPDWQFM', 'orbweb', 'ipcam', ?)", hash);
        db.execute("INSERT INTO accounts (id, email, password_hash) VALUES (42, 'alice@example.com', ?)", hash);
    }

    private static Mqtt5ConnAckReasonCode connect(final String clientId, final String username) {
        final Mqtt5BlockingClient client = mqtt.v5(clientId);
        final Mqtt5ConnAckReasonCode code = mqtt.connect5(client, username, "pw".getBytes(StandardCharsets.UTF_8));
        if (code == Mqtt5ConnAckReasonCode.SUCCESS) {
            client.disconnect();
        }
        return code;
    }

    @Test
    void deviceMustUseItsMacOrUidAsClientId() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("XRHIU1Z76KFMWXPDWQFM", "00:1B:FE:0D:44:21"));
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("00:1B:FE:0D:44:21", "00:1b:fe:0d:44:21"));
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("my-camera", "00:1B:FE:0D:44:21"));
    }

    @Test
    void userMustUseItsAppPrefix() {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connect("app-42-phone", "alice@example.com"));
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, connect("app-43-phone", "alice@example.com"));
        // a wrong password still says only that
        final Mqtt5BlockingClient client = mqtt.v5("app-43-x");
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                mqtt.connect5(client, "alice@example.com", "nope".getBytes(StandardCharsets.UTF_8)));
    }
}
