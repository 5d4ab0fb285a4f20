package com.accountauth.extension.testsupport;

import com.accountauth.extension.config.PasswordSettings;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.CostLimits;
import com.accountauth.extension.password.HashSchemes;
import com.accountauth.extension.password.HashTarget;
import com.accountauth.extension.password.KindPolicy;
import com.accountauth.extension.password.PasswordFormat;
import com.accountauth.extension.password.PasswordVerifier;
import com.accountauth.extension.password.Pepper;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Password verifiers for unit tests, with config.xml's default policies unless told otherwise. */
public final class TestPasswords {

    /** The pepper of the HMAC rows in src/test/resources/passwords/vectors.tsv. */
    public static final Pepper VECTOR_PEPPER = new Pepper("test-pepper-0123456789abcdef");
    /** Every default bound, with bcrypt's at 14. */
    public static final CostLimits LIMITS = new CostLimits(14, PasswordSettings.DEFAULT_MAX_PBKDF2_ITERATIONS,
            PasswordSettings.DEFAULT_MAX_ARGON2_MEMORY_KIB, PasswordSettings.DEFAULT_MAX_ARGON2_ITERATIONS,
            PasswordSettings.DEFAULT_MAX_ARGON2_PARALLELISM);

    private TestPasswords() {
    }

    /** The default policies with bcrypt cost 4 for new hashes and the dummy check (fast tests). */
    public static Map<Principal.Kind, KindPolicy> defaultPolicies() {
        final HashTarget bcrypt4 = new HashTarget(PasswordFormat.BCRYPT, 4, 1_000, 64, 1, 1);
        final Map<Principal.Kind, KindPolicy> kinds = new EnumMap<>(Principal.Kind.class);
        kinds.put(Principal.Kind.DEVICE, new KindPolicy(PasswordSettings.DEFAULT_DEVICE_FORMATS, bcrypt4));
        kinds.put(Principal.Kind.USER, new KindPolicy(PasswordSettings.DEFAULT_ACCOUNT_FORMATS, bcrypt4));
        kinds.put(Principal.Kind.SERVICE, new KindPolicy(PasswordSettings.DEFAULT_ACCOUNT_FORMATS, bcrypt4));
        return kinds;
    }

    /** The default policies and bounds, the vectors' pepper. */
    public static PasswordVerifier verifier() {
        return new PasswordVerifier(new HashSchemes(Optional.of(VECTOR_PEPPER)), LIMITS, defaultPolicies());
    }

    /** As {@link #verifier()}, with the devices' target (and dummy check) set to {@code deviceTarget}. */
    public static PasswordVerifier verifier(final HashTarget deviceTarget) {
        final Map<Principal.Kind, KindPolicy> kinds = defaultPolicies();
        kinds.put(Principal.Kind.DEVICE, new KindPolicy(PasswordSettings.DEFAULT_DEVICE_FORMATS, deviceTarget));
        return new PasswordVerifier(new HashSchemes(Optional.of(VECTOR_PEPPER)), LIMITS, kinds);
    }
}
