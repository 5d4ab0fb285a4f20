package com.accountauth.extension.password;

import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.util.RateLimitedLog;
import com.accountauth.extension.metrics.Timing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks MQTT passwords against stored hashes of every format {@link HashSchemes} reads, within the cost bounds and
 * the formats each kind of principal may use. A hash that cannot be used (malformed, beyond its cost bound, a format
 * the kind may not use) never matches: the check then costs a dummy check of the kind's target, so that it takes as
 * long as a real one, and a warning is logged (rate-limited; the refusal's own line says whose row it was).
 * <p>
 * The schemes, bounds and kinds' policies are one {@link Policy}, swapped whole by a config reload ({@link #use}):
 * each call reads one version of it.
 * <p>
 * Costly checks ({@link PasswordFormat#costly}: bcrypt, PBKDF2, Argon2id, dummy checks of them alike) run at most
 * {@code costlyChecksAtOnce} at a time: the workers may be more than the cores, for the CONNECTs that wait on the DB,
 * while the CPU that password checks take stays bounded by the cores.
 */
public final class PasswordVerifier {

    /** bcrypt reads at most this many bytes; beyond it two different passwords would verify alike. */
    public static final int MAX_PASSWORD_BYTES = PasswordBytes.MAX;

    private static final Logger log = LoggerFactory.getLogger(PasswordVerifier.class);
    private static final String DUMMY_PASSWORD = "account-auth dummy password";

    private volatile Policy policy;
    private final Map<PasswordFormat, Timing> checks = new EnumMap<>(PasswordFormat.class);
    private final Timing dummyChecks;
    private final CheckGate gate;
    private final RateLimitedLog warnings = new RateLimitedLog(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

    /**
     * @param kinds every kind's formats and target; the dummy check of each kind is a hash of its target, made here
     */
    public PasswordVerifier(final HashSchemes schemes, final CostLimits limits,
                            final Map<Principal.Kind, KindPolicy> kinds) {
        this(schemes, limits, kinds, ExtensionMetrics.unread());
    }

    /**
     * @param metrics gets {@code password.checks.<format>} (a Timing per stored format, e.g. {@code bcrypt}) and
     *                {@code password.checks.dummy} (the checks spent on unknown usernames and unusable hashes)
     */
    public PasswordVerifier(final HashSchemes schemes, final CostLimits limits,
                            final Map<Principal.Kind, KindPolicy> kinds, final ExtensionMetrics metrics) {
        this(schemes, limits, kinds, 0, metrics);
    }

    /**
     * @param costlyChecksAtOnce {@code <authentication><password-check-threads>}: costly checks running at once (0:
     *                           no bound); also gets {@code password.checks.wait}, how long a costly check waited
     */
    public PasswordVerifier(final HashSchemes schemes, final CostLimits limits,
                            final Map<Principal.Kind, KindPolicy> kinds, final int costlyChecksAtOnce,
                            final ExtensionMetrics metrics) {
        this.gate = new CheckGate(costlyChecksAtOnce, metrics.timer("password.checks.wait"));
        for (final PasswordFormat format : PasswordFormat.values()) {
            checks.put(format, metrics.timer("password.checks." + format.configName()));
        }
        this.dummyChecks = metrics.timer("password.checks.dummy");
        this.policy = Policy.of(schemes, limits, kinds);
    }

    /**
     * Takes over reloaded schemes (the pepper), bounds and kinds' policies for every check from now on; the new
     * dummy hashes are made first, so a failure keeps the running policy.
     */
    public void use(final HashSchemes schemes, final CostLimits limits, final Map<Principal.Kind, KindPolicy> kinds) {
        policy = Policy.of(schemes, limits, kinds);
    }

    /**
     * Decodes the password bytes strictly: empty when missing, empty, longer than 72 bytes, holding NUL (C-based
     * bcrypt stops there) or not valid UTF-8 (a lenient decoder would map different bytes to one string).
     */
    public static Optional<String> acceptablePassword(final byte[] raw) {
        return PasswordBytes.acceptable(raw);
    }

    /** Why a stored hash cannot be used by this kind of principal, or empty when it can. */
    public Optional<String> unusableHashReason(final Principal.Kind kind, final String storedHash) {
        return usable(policy, kind, storedHash).problem();
    }

    /**
     * True when the password matches the stored hash. A hash that {@link #unusableHashReason} refuses never matches;
     * the check then still costs a dummy check, so that it takes as long as a real one.
     */
    public boolean verify(final Principal.Kind kind, final String password, final String storedHash) {
        final Policy current = policy;
        final Usable usable = usable(current, kind, storedHash);
        if (usable.hash().isEmpty()) {
            final long heldBack = warnings.tryAcquire();
            if (heldBack >= 0) {
                log.warn("account-auth: a stored password hash of a {} was refused: {}{}",
                        kind.name().toLowerCase(java.util.Locale.ROOT), usable.problem().orElseThrow(),
                        heldBack > 0 ? " (" + heldBack + " more such refusals not logged)" : "");
            }
            burn(current, kind, password);
            return false;
        }
        final StoredHash hash = usable.hash().get();
        return matches(hash, password, checks.get(hash.format()));
    }

    /** One check, after waiting for its turn if it is costly (the wait is not in its time); false if it throws. */
    private boolean matches(final StoredHash hash, final String password, final Timing timing) {
        return gate.check(hash.format(), () -> {
            final long start = System.nanoTime();
            try {
                return hash.matches(password);
            } catch (final RuntimeException e) {
                return false;
            } finally {
                timing.record(System.nanoTime() - start);
            }
        });
    }

    /**
     * True when a usable stored hash is weaker than the kind's target (another format, a lower cost): upgrade on
     * login would rewrite it.
     */
    public boolean needsUpgrade(final Principal.Kind kind, final String storedHash) {
        final Policy current = policy;
        return usable(current, kind, storedHash).hash().map(hash -> hash.weakerThan(current.kinds().get(kind).target()))
                .orElse(false);
    }

    /** The format and cost of a stored hash, for logs; empty when it cannot be read. */
    public Optional<String> costOf(final String storedHash) {
        try {
            return Optional.of(policy.schemes().parse(storedHash).cost());
        } catch (final UnusableHashException e) {
            return Optional.empty();
        }
    }

    /** A new hash of the password in the kind's target format and cost. */
    public String hashForTarget(final Principal.Kind kind, final String password) {
        final Policy current = policy;
        return current.schemes().make(current.kinds().get(kind).target(), password);
    }

    /** The format and cost new hashes of this kind get. */
    public HashTarget target(final Principal.Kind kind) {
        return policy.kinds().get(kind).target();
    }

    /** Spends one check of the kind's target on nothing, for unknown usernames and refused input. */
    public void burnDummyCheck(final Principal.Kind kind, final String password) {
        burn(policy, kind, password);
    }

    private void burn(final Policy current, final Principal.Kind kind, final String password) {
        // through the same gate as a real check of the target: an unknown username waits and costs alike
        matches(current.dummies().get(kind), password == null ? "" : password, dummyChecks);
    }

    private static Usable usable(final Policy current, final Principal.Kind kind, final String storedHash) {
        final StoredHash hash;
        try {
            hash = current.schemes().parse(storedHash);
        } catch (final UnusableHashException e) {
            return new Usable(Optional.empty(), Optional.of(e.getMessage()));
        }
        if (!current.kinds().get(kind).formats().contains(hash.format())) {
            return new Usable(Optional.empty(), Optional.of("the stored hash is " + hash.format() + ", which a " +
                    kind.name().toLowerCase(java.util.Locale.ROOT) + " may not use (<passwords><" +
                    kind.name().toLowerCase(java.util.Locale.ROOT) + "><formats>)"));
        }
        final Optional<String> beyond = hash.beyond(current.limits());
        return beyond.isPresent() ? new Usable(Optional.empty(), beyond) : new Usable(Optional.of(hash),
                Optional.empty());
    }

    private record Usable(Optional<StoredHash> hash, Optional<String> problem) {
    }

    /** One version of what a check is judged by, with the dummy hashes of each kind's target made from it. */
    private record Policy(HashSchemes schemes, CostLimits limits, Map<Principal.Kind, KindPolicy> kinds,
                          Map<Principal.Kind, StoredHash> dummies) {

        static Policy of(final HashSchemes schemes, final CostLimits limits,
                         final Map<Principal.Kind, KindPolicy> kinds) {
            final Map<Principal.Kind, StoredHash> dummies = new EnumMap<>(Principal.Kind.class);
            for (final Principal.Kind kind : Principal.Kind.values()) {
                final KindPolicy policy = kinds.get(kind);
                if (policy == null) {
                    throw new IllegalArgumentException("no password policy for " + kind);
                }
                try {
                    dummies.put(kind, schemes.parse(schemes.make(policy.target(), DUMMY_PASSWORD)));
                } catch (final UnusableHashException e) {
                    throw new IllegalStateException("a hash just made cannot be read: " + e.getMessage(), e);
                }
            }
            return new Policy(schemes, limits, new EnumMap<>(kinds), dummies);
        }
    }
}
