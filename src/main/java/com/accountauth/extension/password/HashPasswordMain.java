package com.accountauth.extension.password;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

/**
 * A thin command line around {@link PasswordHasher}; the admin CLI runs it for every format but plain bcrypt:
 * <pre>
 * java -cp account-auth-VERSION.jar com.accountauth.extension.password.HashPasswordMain hash-password \
 *      [--format bcrypt|pbkdf2|argon2id|fast] [--cost N] [--iterations N] [--memory-kib N] [--parallelism N]
 *      &lt; password-file
 * java -cp ... HashPasswordMain provision-device
 * </pre>
 * The password comes from standard input, never from the command line (where {@code ps} and shell history see it).
 * The fast scheme's pepper is read from the environment variable {@code ACCOUNT_AUTH_PEPPER} when it is set (the
 * one {@code <passwords><pepper>} names in the shipped config.xml).
 */
public final class HashPasswordMain {

    public static final String PEPPER_VARIABLE = "ACCOUNT_AUTH_PEPPER";

    private HashPasswordMain() {
    }

    public static void main(final String[] args) throws IOException {
        System.exit(run(args, System.in, System.out, System.err, System.getenv(PEPPER_VARIABLE)));
    }

    /** Runs one command; the exit status: 0 done, 2 bad usage or input. */
    public static int run(final String[] args, final java.io.InputStream in, final PrintStream out, final PrintStream err,
                   final String pepper) throws IOException {
        final PasswordHasher hasher;
        try {
            hasher = new PasswordHasher(new HashSchemes(Optional.ofNullable(pepper).filter(p -> !p.isEmpty())
                    .map(Pepper::new)));
        } catch (final IllegalArgumentException e) {
            err.println(PEPPER_VARIABLE + ": " + e.getMessage());
            return 2;
        }
        if (args.length == 1 && args[0].equals("provision-device")) {
            final PasswordHasher.DeviceSecret device = hasher.provisionDevice();
            out.println("secret: " + device.secret());
            out.println("hash:   " + device.hash());
            return 0;
        }
        if (args.length == 0 || !args[0].equals("hash-password")) {
            err.println("usage: hash-password [--format bcrypt|pbkdf2|argon2id|fast] [--cost N] [--iterations N] " +
                    "[--memory-kib N] [--parallelism N] < password   |   provision-device");
            return 2;
        }
        HashTarget target = HashTarget.defaults(PasswordFormat.BCRYPT);
        try {
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                final String value = args[i + 1];
                target = switch (args[i]) {
                    case "--format" -> target.as(PasswordFormat.byConfigName(value)
                            .filter(PasswordFormat::canBeTarget)
                            .orElseThrow(() -> new IllegalArgumentException("unknown format " + value)));
                    case "--cost" -> new HashTarget(target.format(), Integer.parseInt(value),
                            target.pbkdf2Iterations(), target.argon2MemoryKib(), target.argon2Iterations(),
                            target.argon2Parallelism());
                    case "--iterations" -> target.format() == PasswordFormat.ARGON2ID ?
                            new HashTarget(target.format(), target.bcryptCost(), target.pbkdf2Iterations(),
                                    target.argon2MemoryKib(), Integer.parseInt(value), target.argon2Parallelism()) :
                            new HashTarget(target.format(), target.bcryptCost(), Integer.parseInt(value),
                                    target.argon2MemoryKib(), target.argon2Iterations(), target.argon2Parallelism());
                    case "--memory-kib" -> new HashTarget(target.format(), target.bcryptCost(),
                            target.pbkdf2Iterations(), Integer.parseInt(value), target.argon2Iterations(),
                            target.argon2Parallelism());
                    case "--parallelism" -> new HashTarget(target.format(), target.bcryptCost(),
                            target.pbkdf2Iterations(), target.argon2MemoryKib(), target.argon2Iterations(),
                            Integer.parseInt(value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                };
            }
            final Optional<String> password = PasswordHasher.readPassword(in);
            if (password.isEmpty()) {
                err.println("the password on standard input is empty, over " + PasswordBytes.MAX +
                        " bytes, holds NUL or is not UTF-8");
                return 2;
            }
            out.println(hasher.hash(target, password.get()));
            return 0;
        } catch (final IllegalArgumentException e) {
            // also bcrypt's own "Bad number of rounds" and a NumberFormatException
            err.println(e.getMessage());
            return 2;
        }
    }
}
