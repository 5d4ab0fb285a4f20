package com.accountauth.extension.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 5: the mark the extension keeps in a session that had a subscription taken away (so that its queue
 * is checked whenever it resumes) cannot be removed by the client, which HiveMQ would otherwise allow: UNSUBSCRIBE
 * is not authorized. Real broker, real MariaDB, real clients.
 */
class RevokedMarkIT {

    /** SessionSubscriptions.REVOKED_MARK, as a client would learn it (from the README or the source). */
    static final String MARK = "$account-auth/revoked-subscriptions";

    static LiveFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new LiveFixture();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aSessionThatUnsubscribesItsMarkStillGetsNoMessageQueuedBeforeTheUnpairing() throws Exception {
        final LiveFixture.Device cam = fixture.device();
        final LiveFixture.Account user = fixture.user();
        fixture.pair(user, cam, "viewer");
        final String clientId = MqttClients.newId();
        final List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
        // a persistent session taking one message at a time and holding it, so the others stay queued
        final Mqtt5AsyncClient app = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(fixture.port()).buildAsync();
        app.publishes(MqttGlobalPublishFilter.ALL, received::add, true);
        app.connectWith().cleanStart(true).sessionExpiryInterval(3600).restrictions().receiveMaximum(1)
                .applyRestrictions().simpleAuth().username(user.email())
                .password(LiveFixture.PASSWORD.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                .get(5, TimeUnit.SECONDS);
        final LiveFixture.Session witness = fixture.connected(user.email());
        final Mqtt5UnsubAckReasonCode unsubscribed;
        try {
            LiveFixture.millisUntil("the app's server-side subscription", () -> {
                fixture.publishAs(cam, cam.events(), "queued-" + received.size());
                return !received.isEmpty();
            });
            for (int i = 1; i <= 2; i++) {
                fixture.publishAs(cam, cam.events(), "queued-behind-" + i);
            }
            fixture.unpair(user, cam);
            LiveFixture.millisUntil("the unpairing (seen by a second session)",
                    () -> witness.subscribeRefused(cam.events()));
            Thread.sleep(500); // the unpaired subscription goes and the mark comes with the same update

            unsubscribed = app.unsubscribeWith().topicFilter(MARK).send().get(5, TimeUnit.SECONDS)
                    .getReasonCodes().get(0);
        } finally {
            witness.close();
            // leaves without acknowledging what it holds: the queue still holds what came before the unpairing
            app.disconnect().get(5, TimeUnit.SECONDS);
        }

        final LiveFixture.Session back = fixture.new Session(clientId);
        try {
            back.connect(user.email(), true);
            final Optional<String> stale = back.next(1_500);
            assertTrue(stale.isEmpty(), "a message queued before the unpairing was delivered: " + stale.orElse(""));
        } finally {
            back.close();
        }
        // HiveMQ CE answers Success whether or not the session held the filter, so the UNSUBACK cannot tell
        assertEquals(Mqtt5UnsubAckReasonCode.SUCCESS, unsubscribed);
    }
}
