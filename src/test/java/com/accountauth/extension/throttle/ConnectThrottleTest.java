package com.accountauth.extension.throttle;

import com.accountauth.extension.config.ThrottleSettings;
import com.accountauth.extension.throttle.ConnectThrottle.Admission;
import com.accountauth.extension.throttle.ConnectThrottle.Outcome;
import com.accountauth.extension.throttle.ConnectThrottle.Verdict;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectThrottleTest {

    private static final Optional<String> CAMERA = Optional.of("00:1B:FE:0D:44:21");

    private final AtomicLong nanos = new AtomicLong(1);
    private final ConnectThrottle throttle = new ConnectThrottle(new ThrottleSettings(true, 10, 60, 32, 5, 5),
            nanos::get);

    private static Optional<InetAddress> address(final String literal) {
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Verdict attempt(final String from, final Optional<String> username, final Outcome outcome) {
        final Admission admission = throttle.admit(address(from), username);
        throttle.finished(admission, outcome);
        return admission.verdict();
    }

    private void advanceSeconds(final long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void anAddressThatKeepsFailingIsThrottledAfterItsBurstAndRecoversWithTime() {
        for (int i = 0; i < 10; i++) {
            assertEquals(Verdict.ADMITTED, attempt("192.0.2.1", Optional.of("guess" + i + "@x.example"),
                    Outcome.BAD_CREDENTIALS));
        }
        assertEquals(Verdict.ADDRESS_THROTTLED, attempt("192.0.2.1", Optional.of("one-more@x.example"),
                Outcome.BAD_CREDENTIALS));
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.2", CAMERA, Outcome.SUCCEEDED), "another address is free");
        advanceSeconds(2);
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.1", Optional.of("later@x.example"), Outcome.SUCCEEDED),
                "one failure a second refills");
    }

    @Test
    void successesNeverSpendTheAllowance() {
        for (int i = 0; i < 1000; i++) {
            assertEquals(Verdict.ADMITTED, attempt("198.51.100.7", Optional.of("device" + i), Outcome.SUCCEEDED));
        }
    }

    @Test
    void aUsernameFloodedFromElsewhereStillLogsInFromItsOwnAddress() {
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.10", CAMERA, Outcome.SUCCEEDED)); // the device's address
        for (int i = 0; i < 5; i++) {
            assertEquals(Verdict.ADMITTED, attempt("203.0.113." + i, CAMERA, Outcome.BAD_CREDENTIALS));
        }
        assertEquals(Verdict.USERNAME_THROTTLED, attempt("203.0.113.0", CAMERA, Outcome.BAD_CREDENTIALS),
                "an address that failed for the username waits once its allowance is spent");
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.10", CAMERA, Outcome.SUCCEEDED),
                "the device's own address is exempt from its username's limit");
    }

    @Test
    void afterARestartAFloodedDeviceStillLogsInFromAnAddressThatNeverFailed() {
        // a fresh throttle knows no last address: the flood spends the username's allowance first
        for (int i = 0; i < 20; i++) {
            attempt("203.0.113.7", CAMERA, Outcome.BAD_CREDENTIALS);
        }
        assertEquals(Verdict.USERNAME_THROTTLED, attempt("203.0.113.7", CAMERA, Outcome.BAD_CREDENTIALS));
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.10", CAMERA, Outcome.SUCCEEDED),
                "the device's address has not failed for its username: it is not held back");
        assertEquals(Verdict.ADMITTED, attempt("198.51.100.1", CAMERA, Outcome.BAD_CREDENTIALS),
                "one guess from a new address is checked");
        assertEquals(Verdict.USERNAME_THROTTLED, attempt("198.51.100.1", CAMERA, Outcome.BAD_CREDENTIALS),
                "and then that address waits too");
    }

    @Test
    void oneAddressCannotHoldMoreThanItsShareOfTheWorkers() {
        final List<Admission> waiting = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            final Admission admission = throttle.admit(address("192.0.2.20"), Optional.empty());
            assertTrue(admission.admitted());
            waiting.add(admission);
        }
        assertEquals(Verdict.ADDRESS_THROTTLED, throttle.admit(address("192.0.2.20"), Optional.empty()).verdict());
        throttle.finished(waiting.get(0), Outcome.SUCCEEDED);
        throttle.finished(waiting.get(0), Outcome.SUCCEEDED); // a second end gives nothing back twice
        assertTrue(throttle.admit(address("192.0.2.20"), Optional.empty()).admitted());
        assertEquals(Verdict.ADDRESS_THROTTLED, throttle.admit(address("192.0.2.20"), Optional.empty()).verdict());
    }

    @Test
    void anIpv6SubscriberCountsByItsSlash64() {
        for (int i = 0; i < 10; i++) {
            assertEquals(Verdict.ADMITTED, attempt("2001:db8:1:2::" + Integer.toHexString(i + 1), Optional.empty(),
                    Outcome.BAD_CREDENTIALS));
        }
        assertEquals(Verdict.ADDRESS_THROTTLED, attempt("2001:db8:1:2:ffff::1", Optional.empty(),
                Outcome.BAD_CREDENTIALS));
        assertEquals(Verdict.ADMITTED, attempt("2001:db8:1:3::1", Optional.empty(), Outcome.BAD_CREDENTIALS));
    }

    @Test
    void disabledThrottlingAdmitsEverything() {
        final ConnectThrottle off = new ConnectThrottle(new ThrottleSettings(false, 1, 1, 1, 1, 1), nanos::get);
        for (int i = 0; i < 50; i++) {
            final Admission admission = off.admit(address("192.0.2.30"), CAMERA);
            assertTrue(admission.admitted());
            off.finished(admission, Outcome.BAD_CREDENTIALS);
        }
    }

    @Test
    void guessesThatQueuedTogetherAreRefusedWhenAWorkerTakesThemOnceTheFirstSpentTheAllowance() {
        final List<Admission> queued = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            final Admission admission = throttle.admit(address("192.0.2.40"), Optional.of("g" + i + "@x.example"));
            assertTrue(admission.admitted(), "nothing failed yet when they all arrived");
            queued.add(admission);
        }
        int checked = 0;
        for (final Admission admission : queued) {
            if (throttle.recheck(admission) == Verdict.ADMITTED) {
                checked++;
                throttle.finished(admission, Outcome.BAD_CREDENTIALS);
            } else {
                throttle.finished(admission, Outcome.OTHER);
            }
        }
        assertEquals(10, checked);
    }

    private void failUntilThrottled(final String from, final int expectedBurst) {
        for (int i = 0; i < expectedBurst; i++) {
            assertEquals(Verdict.ADMITTED, attempt(from, Optional.of("guess" + i + "@x.example"),
                    Outcome.BAD_CREDENTIALS), "failure " + (i + 1) + " of " + expectedBurst);
        }
        assertEquals(Verdict.ADDRESS_THROTTLED, attempt(from, Optional.of("more@x.example"), Outcome.BAD_CREDENTIALS));
    }

    @Test
    void aReloadedSmallerBurstHoldsBackAnAddressThatHadAllowanceLeft() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.ADMITTED, attempt("192.0.2.1", Optional.of("g" + i + "@x.example"),
                    Outcome.BAD_CREDENTIALS));
        }
        throttle.use(new ThrottleSettings(true, 3, 60, 32, 5, 5));
        // 7 tries left under the old burst of 10; the 3 failures spent the new one, as if it had always been 3
        assertEquals(Verdict.ADDRESS_THROTTLED, attempt("192.0.2.1", Optional.of("x@x.example"),
                Outcome.BAD_CREDENTIALS));
        failUntilThrottled("192.0.2.2", 3);
    }

    @Test
    void aReloadedLargerBurstIsEarnedAtTheRateNotHandedOutAsAFreshBucket() {
        failUntilThrottled("192.0.2.1", 10);
        throttle.use(new ThrottleSettings(true, 100, 60, 32, 5, 5));
        assertEquals(Verdict.ADDRESS_THROTTLED, attempt("192.0.2.1", Optional.of("x@x.example"),
                Outcome.BAD_CREDENTIALS), "a reload resets no spent allowance");
        advanceSeconds(2);
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.1", Optional.of("y@x.example"), Outcome.SUCCEEDED),
                "refilled at one a second");
        // an address never seen gets the new burst
        failUntilThrottled("192.0.2.3", 100);
    }

    @Test
    void aReloadedRateRefillsSpentBucketsFromNowOn() {
        failUntilThrottled("192.0.2.1", 10);
        throttle.use(new ThrottleSettings(true, 10, 1, 32, 5, 5));
        advanceSeconds(2);
        assertEquals(Verdict.ADDRESS_THROTTLED, attempt("192.0.2.1", Optional.of("x@x.example"),
                Outcome.BAD_CREDENTIALS), "one a minute now: two seconds refill nothing");
        advanceSeconds(60);
        assertEquals(Verdict.ADMITTED, attempt("192.0.2.1", Optional.of("y@x.example"), Outcome.SUCCEEDED));
    }

    @Test
    void anAdmissionKeepsTheLimitsItWasAdmittedWith() {
        final Admission first = throttle.admit(address("192.0.2.1"), CAMERA);
        assertEquals(Verdict.ADMITTED, first.verdict());
        throttle.use(new ThrottleSettings(false, 1, 1, 1, 1, 1));
        // off from now on: any number of failures in flight, none spends a bucket
        for (int i = 0; i < 50; i++) {
            assertEquals(Verdict.ADMITTED, attempt("192.0.2.9", Optional.of("g" + i + "@x.example"),
                    Outcome.BAD_CREDENTIALS));
        }
        // the CONNECT admitted before still gives back its place and spends its failure in its own bucket
        throttle.finished(first, Outcome.BAD_CREDENTIALS);
        throttle.use(new ThrottleSettings(true, 10, 60, 32, 5, 5));
        failUntilThrottled("192.0.2.1", 9);
        failUntilThrottled("192.0.2.9", 10);
    }

    @Test
    void aReloadedInFlightLimitAppliesToTheNextConnect() {
        final List<Admission> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(throttle.admit(address("192.0.2.1"), Optional.of("d" + i)));
        }
        throttle.use(new ThrottleSettings(true, 10, 60, 3, 5, 5));
        assertEquals(Verdict.ADDRESS_THROTTLED, throttle.admit(address("192.0.2.1"), Optional.of("d4")).verdict());
        throttle.finished(waiting.get(0), Outcome.SUCCEEDED);
        assertEquals(Verdict.ADMITTED, throttle.admit(address("192.0.2.1"), Optional.of("d5")).verdict());
    }
}
