package com.accountauth.extension.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 14, item 4: a Will never outlives the right to send it. An app that owns a camera connects (mosquitto_sub,
 * so that it can drop without a DISCONNECT) with a Will aimed at the camera's command topic; after a change that
 * takes away its right to that topic, neither the broker's disconnect nor a later abrupt drop brings the Will to the
 * camera, also when the drop came first and the Will was waiting for its delay. A Will still allowed stays.
 */
class WillRevocationIT {

    static final AtomicInteger WILLS = new AtomicInteger();
    /** Longer than the feed needs to apply a change (about a poll interval), short enough for a test. */
    static final int WILL_DELAY_SECONDS = 5;

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

    /** An owner, its camera (connected, ready for commands), a witness session of the owner, and an app with a Will. */
    record Scene(LiveFixture.Device cam, LiveFixture.Account owner, LiveFixture.Session witness,
                 LiveFixture.Session camera, LiveFixture.WillClient app, String will) implements AutoCloseable {

        static Scene start(final int willDelaySeconds) throws Exception {
            final LiveFixture.Device cam = fixture.device();
            final LiveFixture.Account owner = fixture.user();
            fixture.pair(owner, cam, "owner");
            final LiveFixture.Session witness = fixture.connected(owner.email());
            final LiveFixture.Session camera = fixture.readyCamera(cam, witness);
            final String will = "will-" + WILLS.incrementAndGet();
            final LiveFixture.WillClient app = fixture.willClient(owner.email(), cam.events(), cam.command(), will,
                    willDelaySeconds);
            return new Scene(cam, owner, witness, camera, app, will);
        }

        /** Waits until the broker has disconnected the app, then drops it the hard way too. */
        void appDisconnectedThenDropped() throws InterruptedException {
            try {
                LiveFixture.millisUntil("the broker disconnects the app", app::disconnectedByBroker);
            } catch (final AssertionError e) {
                throw new AssertionError(e.getMessage() + "; it printed: " + app, e);
            }
            app.killHard();
        }

        /** What the camera received within the time: the Will's payload, or nothing (probes are drained before). */
        Optional<String> willAtCamera(final long millis) throws InterruptedException {
            final long end = System.currentTimeMillis() + millis;
            for (long left = millis; left > 0; left = end - System.currentTimeMillis()) {
                final Optional<String> received = camera.next(left);
                if (received.isPresent() && received.get().equals(will)) {
                    return received;
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() throws InterruptedException {
            app.killHard();
            camera.close();
            witness.close();
        }
    }

    @Test
    void disablingTheAccountPublishesNoWill() throws Exception {
        try (Scene scene = Scene.start(0)) {
            fixture.db().execute("UPDATE accounts SET enabled = FALSE WHERE id = ?", scene.owner().id());
            scene.appDisconnectedThenDropped();
            assertEquals(Optional.empty(), scene.willAtCamera(1_500), "the Will of a disabled account was published");
        }
    }

    @Test
    void deletingTheAccountPublishesNoWill() throws Exception {
        try (Scene scene = Scene.start(0)) {
            fixture.db().execute("DELETE FROM accounts WHERE id = ?", scene.owner().id());
            scene.appDisconnectedThenDropped();
            assertEquals(Optional.empty(), scene.willAtCamera(1_500), "the Will of a deleted account was published");
        }
    }

    @Test
    void changingThePasswordPublishesNoWill() throws Exception {
        try (Scene scene = Scene.start(0)) {
            fixture.db().execute("UPDATE accounts SET password_hash = ? WHERE id = ?",
                    BCrypt.hashpw("another-pass", BCrypt.gensalt(4)), scene.owner().id());
            scene.appDisconnectedThenDropped();
            assertEquals(Optional.empty(), scene.willAtCamera(1_500),
                    "the Will of a connection with the old password was published");
        }
    }

    @Test
    void unpairingTheWillsDeviceDisconnectsTheAppWithoutItsWill() throws Exception {
        try (Scene scene = Scene.start(0)) {
            fixture.unpair(scene.owner(), scene.cam());
            scene.appDisconnectedThenDropped();
            assertEquals(Optional.empty(), scene.willAtCamera(1_500), "the Will to an unpaired device was published");
        }
    }

    @Test
    void turningTheOwnerIntoAViewerDisconnectsTheAppWithoutItsWill() throws Exception {
        try (Scene scene = Scene.start(0)) {
            fixture.db().execute("UPDATE pairings SET role = 'viewer' WHERE account_id = ? AND device_id = ?",
                    scene.owner().id(), scene.cam().id());
            scene.appDisconnectedThenDropped();
            assertEquals(Optional.empty(), scene.willAtCamera(1_500),
                    "the Will of a viewer to the device's command topic was published");
        }
    }

    @Test
    void aWillStillAllowedKeepsItsConnectionAndIsPublished() throws Exception {
        try (Scene scene = Scene.start(0)) {
            final LiveFixture.Device other = fixture.device();
            fixture.pair(scene.owner(), other, "owner");
            LiveFixture.millisUntil("the second device reaches the owner",
                    () -> !scene.witness().subscribeRefused(other.events()));
            fixture.unpair(scene.owner(), other);
            LiveFixture.millisUntil("the second device leaves the owner",
                    () -> scene.witness().subscribeRefused(other.events()));
            assertFalse(scene.app().disconnectedByBroker(), "an app whose Will is still allowed was disconnected");
            scene.app().killHard();
            assertEquals(Optional.of(scene.will()), scene.willAtCamera(5_000), "an allowed Will was not published");
        }
    }

    @Test
    void aDelayedWillIsPublishedWhenNothingChanged() throws Exception {
        try (Scene scene = Scene.start(WILL_DELAY_SECONDS)) {
            scene.app().killHard();
            assertEquals(Optional.of(scene.will()), scene.willAtCamera((WILL_DELAY_SECONDS + 5) * 1_000L),
                    "a delayed Will was not published");
        }
    }

    @Test
    void aDelayedWillPendingWhenTheDeviceIsUnpairedIsNeverPublished() throws Exception {
        try (Scene scene = Scene.start(WILL_DELAY_SECONDS)) {
            scene.app().killHard();
            // the dropped connection's grant goes with it: let it go now, so only what outlives it can act
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50);
            }
            fixture.unpair(scene.owner(), scene.cam());
            LiveFixture.millisUntil("the unpairing reaches the owner",
                    () -> scene.witness().subscribeRefused(scene.cam().events()));
            assertEquals(Optional.empty(), scene.willAtCamera((WILL_DELAY_SECONDS + 5) * 1_000L),
                    "a delayed Will to an unpaired device was published after the unpairing");
        }
    }
}
