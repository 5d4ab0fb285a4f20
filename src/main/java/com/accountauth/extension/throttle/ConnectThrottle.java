package com.accountauth.extension.throttle;

import com.accountauth.extension.config.ThrottleSettings;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides, before any bcrypt work and on the broker's thread, whether a CONNECT that needs a worker may have one.
 * Three limits: failed attempts per source address and per username (token buckets that refill at a steady rate),
 * and CONNECTs of one address waiting for a worker at once (so one address cannot fill the queue). Only failures (bad
 * credentials) spend the buckets, so a crowd of honest devices behind one NAT is never throttled for being many.
 * The buckets are asked again when a worker takes the CONNECT ({@link #recheck}): a flood that queued up at once
 * costs one burst of bcrypt checks, and the rest of it leaves the queue at no cost, so it holds the logins of other
 * addresses behind it only for that burst.
 * <p>
 * The username limit holds back only addresses that have themselves failed for that username lately, and never the
 * address it last logged in from: a flood of guesses for a device's MAC from elsewhere cannot lock the device out,
 * not even after a broker restart (which forgets its last address) or when its address changed. A guesser from many
 * addresses gets one guess per address and username per half hour on top of each address's own limit. An IPv6
 * address counts by its /64, the block one subscriber gets, so a guesser cannot take a fresh address per guess.
 * <p>
 * The limits may be swapped while the broker runs ({@link #use}, a config reload): a CONNECT keeps the version it was
 * admitted with. A bucket in use keeps what was spent from it: a lower burst counts the failures already spent
 * against the new one (as if it had always been the new one), a higher one is earned at the new rate, never handed
 * out as a fresh bucket; so a reload gives nobody more tries than the old or the new limits alone would.
 */
public final class ConnectThrottle {

    /** What a CONNECT was told; an admitted one must be {@link #finished} once. */
    public enum Verdict { ADMITTED, ADDRESS_THROTTLED, USERNAME_THROTTLED }

    /** How an admitted CONNECT ended. */
    public enum Outcome { SUCCEEDED, BAD_CREDENTIALS, OTHER }

    private static final int MAX_TRACKED = 100_000;
    private static final Duration FORGET_AFTER = Duration.ofMinutes(30);

    private volatile ThrottleSettings settings;
    private final LongSupplier nanoTime;
    private final Cache<String, AddressState> addresses;
    private final Cache<String, Bucket> usernames;
    // username -> the address key it last logged in from
    private final Cache<String, String> knownAddresses;
    // "username\naddress key" of every failure for a username from an address it did not last log in from
    private final Cache<String, Boolean> failedFrom;

    public ConnectThrottle(final ThrottleSettings settings) {
        this(settings, System::nanoTime);
    }

    ConnectThrottle(final ThrottleSettings settings, final LongSupplier nanoTime) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        addresses = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(FORGET_AFTER).build();
        usernames = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(FORGET_AFTER).build();
        knownAddresses = Caffeine.newBuilder().maximumSize(MAX_TRACKED * 4L).expireAfterAccess(Duration.ofDays(7))
                .build();
        failedFrom = Caffeine.newBuilder().maximumSize(MAX_TRACKED * 4L).expireAfterWrite(FORGET_AFTER).build();
    }

    /** Takes over reloaded limits for every CONNECT admitted from now on. */
    public void use(final ThrottleSettings next) {
        settings = next;
    }

    /** One CONNECT's place in the throttle: what it was told, and what to give back when it ends. */
    public static final class Admission {
        private final Verdict verdict;
        private final AddressState address;
        private final String addressKey;
        private final String username;
        private final ThrottleSettings limits;
        private boolean finished;

        private Admission(final Verdict verdict, final AddressState address, final String addressKey,
                          final String username, final ThrottleSettings limits) {
            this.verdict = verdict;
            this.address = address;
            this.addressKey = addressKey;
            this.username = username;
            this.limits = limits;
        }

        public Verdict verdict() {
            return verdict;
        }

        public boolean admitted() {
            return verdict == Verdict.ADMITTED;
        }

        /** The address as throttled (an IPv6 address by its /64), for the log. */
        public String addressKey() {
            return addressKey;
        }
    }

    /**
     * Asks for a worker for a CONNECT from {@code address} for {@code username} (its normalised login, empty when it
     * has none that parses). Never blocks.
     */
    public Admission admit(final Optional<InetAddress> address, final Optional<String> username) {
        final String addressKey = address.map(ConnectThrottle::addressKey).orElse("unknown");
        final ThrottleSettings limits = settings;
        if (!limits.enabled()) {
            return new Admission(Verdict.ADMITTED, null, addressKey, null, limits);
        }
        final long now = nanoTime.getAsLong();
        final AddressState state = addresses.get(addressKey, key -> new AddressState(
                limits.addressFailureBurst(), now));
        final String user = username.orElse(null);
        if (user != null && usernameLimitApplies(user, addressKey)) {
            final Bucket bucket = usernames.getIfPresent(user);
            if (bucket != null && !bucket.hasToken(now, usernameRate(limits))) {
                return new Admission(Verdict.USERNAME_THROTTLED, null, addressKey, user, limits);
            }
        }
        if (!state.enter(now, addressRate(limits), limits.addressMaxInFlight())) {
            return new Admission(Verdict.ADDRESS_THROTTLED, null, addressKey, user, limits);
        }
        return new Admission(Verdict.ADMITTED, state, addressKey, user, limits);
    }

    /**
     * Asks again, when a worker is about to check the admitted CONNECT: guesses that queued up together are
     * refused here, at no cost, once the first of them spent their address's or username's allowance.
     */
    public Verdict recheck(final Admission admission) {
        if (admission.address == null) {
            return admission.verdict;
        }
        final long now = nanoTime.getAsLong();
        if (!admission.address.hasToken(now, addressRate(admission.limits))) {
            return Verdict.ADDRESS_THROTTLED;
        }
        if (admission.username != null && usernameLimitApplies(admission.username, admission.addressKey)) {
            final Bucket bucket = usernames.getIfPresent(admission.username);
            if (bucket != null && !bucket.hasToken(now, usernameRate(admission.limits))) {
                return Verdict.USERNAME_THROTTLED;
            }
        }
        return Verdict.ADMITTED;
    }

    /** Ends an admitted CONNECT; a failure spends its address's allowance and, if foreign, its username's. */
    public void finished(final Admission admission, final Outcome outcome) {
        if (admission.address == null || admission.finished) {
            return;
        }
        admission.finished = true;
        final long now = nanoTime.getAsLong();
        admission.address.leave(now, addressRate(admission.limits), outcome == Outcome.BAD_CREDENTIALS);
        if (admission.username == null) {
            return;
        }
        if (outcome == Outcome.SUCCEEDED) {
            knownAddresses.put(admission.username, admission.addressKey);
        } else if (outcome == Outcome.BAD_CREDENTIALS
                && !admission.addressKey.equals(knownAddresses.getIfPresent(admission.username))) {
            final Rate rate = usernameRate(admission.limits);
            usernames.get(admission.username, key -> new Bucket(rate.burst(), now)).take(now, rate);
            failedFrom.put(admission.username + '\n' + admission.addressKey, Boolean.TRUE);
        }
    }

    private boolean usernameLimitApplies(final String username, final String addressKey) {
        return !addressKey.equals(knownAddresses.getIfPresent(username))
                && failedFrom.getIfPresent(username + '\n' + addressKey) != null;
    }

    static String addressKey(final InetAddress address) {
        if (address instanceof Inet6Address) {
            final byte[] prefix = Arrays.copyOf(address.getAddress(), 8);
            final StringBuilder key = new StringBuilder();
            for (int i = 0; i < prefix.length; i += 2) {
                key.append(String.format("%02x%02x:", prefix[i], prefix[i + 1]));
            }
            return key.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    private static Rate addressRate(final ThrottleSettings limits) {
        return new Rate(limits.addressFailureBurst(), limits.addressFailuresPerMinute());
    }

    private static Rate usernameRate(final ThrottleSettings limits) {
        return new Rate(limits.usernameFailureBurst(), limits.usernameFailuresPerMinute());
    }

    /** A bucket's parameters, given with each use: a reload changes them for buckets already in use. */
    record Rate(int burst, int perMinute) {
        double perNano() {
            return perMinute / (double) TimeUnit.MINUTES.toNanos(1);
        }
    }

    /**
     * Failures allowed in a row, refilled at a steady rate. Under a new burst it keeps the stricter of "the tokens it
     * holds" and "the new burst minus what was spent", so a reload resets nobody's allowance.
     */
    static class Bucket {
        private double tokens;
        private long refilledAt;
        private int burst;

        Bucket(final int capacity, final long now) {
            this.tokens = capacity;
            this.refilledAt = now;
            this.burst = capacity;
        }

        synchronized boolean hasToken(final long now, final Rate rate) {
            refill(now, rate);
            return tokens >= 1;
        }

        synchronized void take(final long now, final Rate rate) {
            refill(now, rate);
            tokens = Math.max(tokens - 1, -rate.burst()); // a flood in flight digs a hole, but not a bottomless one
        }

        private void refill(final long now, final Rate rate) {
            if (rate.burst() != burst) {
                // spent (burst - tokens) stays spent; a higher burst adds nothing until it is refilled
                tokens = Math.max(tokens - Math.max(0, burst - rate.burst()), -rate.burst());
                burst = rate.burst();
            }
            tokens = Math.min(rate.burst(), tokens + (now - refilledAt) * rate.perNano());
            refilledAt = now;
        }
    }

    /** An address's failure allowance and its CONNECTs waiting for a worker. */
    static final class AddressState extends Bucket {
        private int inFlight;

        AddressState(final int capacity, final long now) {
            super(capacity, now);
        }

        synchronized boolean enter(final long now, final Rate rate, final int maxInFlight) {
            if (inFlight >= maxInFlight || !hasToken(now, rate)) {
                return false;
            }
            inFlight++;
            return true;
        }

        synchronized void leave(final long now, final Rate rate, final boolean failed) {
            inFlight--;
            if (failed) {
                take(now, rate);
            }
        }
    }
}
