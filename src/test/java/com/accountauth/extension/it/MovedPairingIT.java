package com.accountauth.extension.it;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 3: a pairing moved by an UPDATE (to another account, or to another device) re-evaluates the side it
 * left as well as the side it reached: the old owner can no longer receive, subscribe or command, the new one can.
 * Real broker, real MariaDB with the shipped triggers, real clients.
 */
class MovedPairingIT {

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
    void aPairingMovedToAnotherAccountLeavesTheOldOwnerAndReachesTheNewOne() throws Exception {
        final LiveFixture.Device cam = fixture.device();
        final LiveFixture.Account oldOwner = fixture.user();
        final LiveFixture.Account newOwner = fixture.user();
        fixture.pair(oldOwner, cam, "owner");
        final LiveFixture.Session old = fixture.connected(oldOwner.email());
        final LiveFixture.Session fresh = fixture.connected(newOwner.email());
        final LiveFixture.Session camera = fixture.readyCamera(cam, old);
        try {
            assertFalse(old.subscribeRefused(cam.events()));
            assertTrue(fresh.subscribeRefused(cam.events()));

            fixture.db().execute("UPDATE pairings SET account_id = ? WHERE account_id = ? AND device_id = ?",
                    newOwner.id(), oldOwner.id(), cam.id());

            LiveFixture.millisUntil("the new owner gains the device", () -> !fresh.subscribeRefused(cam.events()));
            LiveFixture.millisUntil("the old owner loses the device", () -> old.subscribeRefused(cam.events()));
            old.drain();
            camera.client.publishWith().topic(cam.events()).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("after-the-move".getBytes()).send();
            assertTrue(fresh.next(5_000).isPresent(), "the new owner did not receive the device's event");
            assertTrue(old.next(1_000).isEmpty(), "the old owner still received the device's event");
            assertFalse(fresh.publishRefused(cam.command()), "the new owner cannot command the device");
            // a refused PUBLISH ends the connection (MQTT 5: PUBACK 0x87, then DISCONNECT): the last probe
            assertTrue(old.publishRefused(cam.command()), "the old owner can still command the device");
        } finally {
            camera.close();
            fresh.close();
            old.close();
        }
    }

    // the account stays, so NEW alone would reach it too: this one guards the behaviour, H2ChangeTriggerTest the rows
    @Test
    void aPairingMovedToAnotherDeviceTakesTheOldDeviceAway() throws Exception {
        final LiveFixture.Device first = fixture.device();
        final LiveFixture.Device second = fixture.device();
        final LiveFixture.Account user = fixture.user();
        fixture.pair(user, first, "owner");
        final LiveFixture.Session app = fixture.connected(user.email());
        try {
            assertFalse(app.subscribeRefused(first.events()));
            assertTrue(app.subscribeRefused(second.events()));

            fixture.db().execute("UPDATE pairings SET device_id = ? WHERE account_id = ? AND device_id = ?",
                    second.id(), user.id(), first.id());

            LiveFixture.millisUntil("the pairing reaches the new device", () -> !app.subscribeRefused(second.events()));
            LiveFixture.millisUntil("the pairing leaves the old device", () -> app.subscribeRefused(first.events()));
            assertTrue(app.publishRefused(first.command()), "the old device can still be commanded");
        } finally {
            app.close();
        }
    }
}
