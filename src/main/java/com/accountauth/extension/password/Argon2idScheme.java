package com.accountauth.extension.password;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id PHC strings, {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (Base64 without padding),
 * as argon2-cffi, PHP's {@code password_hash(PASSWORD_ARGON2ID)} and libsodium write them. Checked with Bouncy
 * Castle's {@code Argon2BytesGenerator}, which runs the lanes one after the other on the calling worker.
 */
final class Argon2idScheme {

    private static final String PREFIX = "$argon2id$";
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    private Argon2idScheme() {
    }

    static boolean claims(final String stored) {
        return stored.startsWith(PREFIX);
    }

    static StoredHash parse(final String stored) throws UnusableHashException {
        final Matcher matcher = PHC.matcher(stored);
        if (!matcher.matches()) {
            throw new UnusableHashException("not an Argon2id PHC string ($argon2id$v=19$m=..,t=..,p=..$salt$hash)");
        }
        if (!matcher.group(1).equals("19")) {
            throw new UnusableHashException("Argon2 version " + matcher.group(1) + " is not supported, only v=19");
        }
        final int memory = Encoding.decimal(matcher.group(2), "Argon2 m");
        final int iterations = Encoding.decimal(matcher.group(3), "Argon2 t");
        final int parallelism = Encoding.decimal(matcher.group(4), "Argon2 p");
        if (parallelism > 255 || memory < 8 * parallelism) {
            throw new UnusableHashException("Argon2 p=" + parallelism + " with m=" + memory +
                    " is not valid (p at most 255, m at least 8 KiB per lane)");
        }
        final byte[] salt = Encoding.base64(matcher.group(5), "the Argon2 salt");
        final byte[] digest = Encoding.base64(matcher.group(6), "the Argon2 hash");
        Encoding.length(salt, 8, 1024, "the Argon2 salt");
        Encoding.length(digest, 4, 1024, "the Argon2 hash");
        return new Hash(memory, iterations, parallelism, salt, digest);
    }

    static String make(final String password, final HashTarget target) {
        final byte[] salt = Encoding.randomBytes(16);
        final byte[] digest = derive(password, salt, target.argon2MemoryKib(), target.argon2Iterations(),
                target.argon2Parallelism(), 32);
        return PREFIX + "v=19$m=" + target.argon2MemoryKib() + ",t=" + target.argon2Iterations() + ",p=" +
                target.argon2Parallelism() + "$" + Encoding.base64NoPadding(salt) + "$" +
                Encoding.base64NoPadding(digest);
    }

    private static byte[] derive(final String password, final byte[] salt, final int memory, final int iterations,
                                 final int parallelism, final int length) {
        final Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        final byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    private record Hash(int memory, int iterations, int parallelism, byte[] salt, byte[] digest)
            implements StoredHash {

        @Override
        public PasswordFormat format() {
            return PasswordFormat.ARGON2ID;
        }

        @Override
        public String cost() {
            return "argon2id m=" + memory + ",t=" + iterations + ",p=" + parallelism;
        }

        @Override
        public Optional<String> beyond(final CostLimits limits) {
            if (memory > limits.maxArgon2MemoryKib()) {
                return Optional.of(cost() + ": m is over <max-argon2-memory-kib> " + limits.maxArgon2MemoryKib());
            }
            if (iterations > limits.maxArgon2Iterations()) {
                return Optional.of(cost() + ": t is over <max-argon2-iterations> " + limits.maxArgon2Iterations());
            }
            if (parallelism > limits.maxArgon2Parallelism()) {
                return Optional.of(cost() + ": p is over <max-argon2-parallelism> " +
                        limits.maxArgon2Parallelism());
            }
            return Optional.empty();
        }

        @Override
        public boolean weakerThan(final HashTarget target) {
            return target.format() != PasswordFormat.ARGON2ID || memory < target.argon2MemoryKib()
                    || iterations < target.argon2Iterations();
        }

        @Override
        public boolean matches(final String password) {
            return Encoding.sameBytes(derive(password, salt, memory, iterations, parallelism, digest.length), digest);
        }

        @Override
        public String toString() {
            return cost();
        }
    }
}
