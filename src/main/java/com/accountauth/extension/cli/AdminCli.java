package com.accountauth.extension.cli;

import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.ConfigLoader;
import com.accountauth.extension.config.InvalidConfigException;
import com.accountauth.extension.config.LoggableJdbcUrl;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.password.HashPasswordMain;
import com.accountauth.extension.password.PasswordVerifier;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.function.Function;

/**
 * The extension's jar as a command-line tool for operators: {@code java -jar account-auth-<version>.jar <command>}.
 * It reads the broker's config.xml and DB, with the extension's own loader, statements and planner, and never the
 * HiveMQ SDK (which only the broker provides). Every error is one line on standard error and an exit code.
 */
public final class AdminCli {

    /** Allowed, valid, done. */
    static final int OK = 0;
    /** Denied ({@code explain}), problems found ({@code check-config}), nobody of that name ({@code list}). */
    static final int NO = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /** config.xml is missing or invalid. */
    static final int BAD_CONFIG = 3;
    /** The account DB did not answer. */
    static final int DB_UNAVAILABLE = 4;

    private static final String USAGE_LINE = "usage: java -jar account-auth.jar " +
            "<explain|check-config|list|hash-password|provision-device> [--config conf/config.xml] (--help for each command)";

    private static final Map<String, String> HELP = Map.of(
            "explain", """
                    usage: explain <username> <publish|subscribe> <topic> [--client-id ID] [--retain] [--config FILE]
                      What the broker answers this principal's PUBLISH or SUBSCRIBE, and the rule that decided it,
                      read from the same DB, statements, templates and matching as the broker. The password is not
                      checked; with --client-id, the client id's pattern and owner are (never binding it).
                      --retain: a retained PUBLISH. A $share/<group>/<filter> subscription is judged as the broker does.
                      exit: 0 allowed, 1 denied, 2 usage, 3 bad config, 4 DB unavailable""",
            "check-config", """
                    usage: check-config [--config FILE]
                      Validates config.xml, connects to the DB and runs every statement of <queries> once with values
                      that match no row (nothing is written), checking it returns the columns the extension reads.
                      One line per problem. exit: 0 fine, 1 problems, 2 usage""",
            "list", """
                    usage: list <username> [--config FILE]
                      A user's devices and roles, or a device's users; and the client ids bound to the principal.
                      exit: 0 found, 1 no such principal, 2 usage, 3 bad config, 4 DB unavailable""",
            "hash-password", """
                    usage: hash-password [--format bcrypt|pbkdf2|argon2id|fast] [--cost N] [--iterations N]
                                         [--memory-kib N] [--parallelism N] [--config FILE] < password-file
                      Reads the password from standard input (never from the command line, where ps and the shell
                      history would show it) and prints its hash for password_hash. bcrypt by default, at --cost,
                      else <authentication>/<dummy-bcrypt-cost> of config.xml (the cost of your stored hashes); the
                      fast scheme is keyed with the pepper in ACCOUNT_AUTH_PEPPER when it is set (docs/PASSWORDS.md).
                      exit: 0 done, 2 usage or unusable password, 3 bad config""",
            "provision-device", """
                    usage: provision-device
                      Prints a new 128-bit secret for a device and its fast-scheme hash for devices.password_hash
                      (keyed with the pepper in ACCOUNT_AUTH_PEPPER when it is set). exit: 0 done, 2 bad pepper""");

    private static final Set<String> FLAGS = Set.of("--retain", "--help", "-h");
    private static final Set<String> OPTIONS = Set.of("--config", "--client-id", "--cost", "--format", "--iterations",
            "--memory-kib", "--parallelism");
    // hash-password options only the formats beside bcrypt take (password/HashPasswordMain makes those)
    private static final List<String> FORMAT_OPTIONS = List.of("--format", "--iterations", "--memory-kib",
            "--parallelism");

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Function<String, String> environment;
    private final Backend backend;
    private final Path defaultConfig;

    AdminCli(final PrintStream out, final PrintStream err, final InputStream in,
             final Function<String, String> environment, final Backend backend, final Path defaultConfig) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.environment = environment;
        this.backend = backend;
        this.defaultConfig = defaultConfig;
    }

    public static void main(final String[] args) {
        // before any logger exists: the extension's warnings go to stderr, with no SLF4J set-up of the caller's
        System.setProperty("slf4j.provider", StderrLogProvider.class.getName());
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not SLF4J's note that it loaded the provider
        final int code = new AdminCli(System.out, System.err, System.in, System::getenv, Backend.DATABASE,
                defaultConfigFile()).run(args);
        System.exit(code);
    }

    /** conf/config.xml here, else next to the jar (run from the HiveMQ folder: extensions/account-auth/conf). */
    private static Path defaultConfigFile() {
        final Path here = Path.of(ConfigLoader.CONFIG_PATH);
        if (Files.isRegularFile(here)) {
            return here;
        }
        try {
            final Path jar = Path.of(AdminCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path beside = jar.getParent().resolve(ConfigLoader.CONFIG_PATH);
            return Files.isRegularFile(beside) ? beside : here;
        } catch (final Exception e) {
            return here;
        }
    }

    /** Runs one command; the exit code. */
    int run(final String... args) {
        final Parsed parsed;
        try {
            parsed = Parsed.of(args);
        } catch (final IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (parsed.positional.isEmpty()) {
            if (parsed.flags.contains("--help") || parsed.flags.contains("-h")) {
                out.println(USAGE_LINE);
                HELP.keySet().stream().sorted().forEach(command -> out.println(HELP.get(command)));
                return OK;
            }
            return usage("no command given");
        }
        final String command = parsed.positional.get(0);
        if (!HELP.containsKey(command)) {
            return usage("unknown command '" + command + "'");
        }
        if (parsed.flags.contains("--help") || parsed.flags.contains("-h")) {
            out.println(HELP.get(command));
            return OK;
        }
        final List<String> arguments = parsed.positional.subList(1, parsed.positional.size());
        final Path configFile = parsed.options.containsKey("--config") ?
                Path.of(parsed.options.get("--config")) : defaultConfig;
        try {
            return switch (command) {
                case "explain" -> explain(arguments, parsed, configFile);
                case "check-config" -> checkConfig(arguments, configFile);
                case "list" -> list(arguments, configFile);
                case "provision-device" -> provisionDevice(arguments);
                default -> hashPassword(arguments, parsed, configFile);
            };
        } catch (final BadConfig e) {
            return e.code;
        }
    }

    private int explain(final List<String> arguments, final Parsed parsed, final Path configFile) throws BadConfig {
        if (arguments.size() != 3) {
            return usage("explain takes <username> <publish|subscribe> <topic>, got " + arguments.size() +
                    " argument" + (arguments.size() == 1 ? "" : "s"), "explain");
        }
        final Explainer.Action action;
        switch (arguments.get(1).toLowerCase(Locale.ROOT)) {
            case "publish", "pub" -> action = Explainer.Action.PUBLISH;
            case "subscribe", "sub" -> action = Explainer.Action.SUBSCRIBE;
            default -> {
                return usage("the action must be publish or subscribe, not '" + arguments.get(1) + "'", "explain");
            }
        }
        final boolean retain = parsed.flags.contains("--retain");
        if (retain && action != Explainer.Action.PUBLISH) {
            return usage("--retain goes with publish only", "explain");
        }
        final AccountAuthConfig config = config(configFile);
        return withStore(config, store -> {
            final Explainer.Explanation explanation = new Explainer(store, config).explain(arguments.get(0), action,
                    arguments.get(2), retain, Optional.ofNullable(parsed.options.get("--client-id")));
            out.println(explanation.verdict());
            explanation.notes().forEach(note -> out.println("  note: " + note));
            return explanation.allowed() ? OK : NO;
        });
    }

    private int checkConfig(final List<String> arguments, final Path configFile) {
        if (!arguments.isEmpty()) {
            return usage("check-config takes no arguments", "check-config");
        }
        final AccountAuthConfig config;
        try {
            config = new ConfigLoader(environment).load(configFile);
        } catch (final InvalidConfigException e) {
            e.problems().forEach(problem -> out.println(configFile + ": " + problem));
            return NO;
        }
        final List<String> problems;
        try {
            problems = backend.checkQueries(config);
        } catch (final RuntimeException e) {
            out.println(configFile + ": cannot reach the DB: " + safe(config, e.toString()));
            return NO;
        }
        problems.forEach(problem -> out.println(configFile + ": " + safe(config, problem)));
        if (problems.isEmpty()) {
            out.println(configFile + ": valid; the DB " + LoggableJdbcUrl.of(config.database().jdbcUrl()) +
                    " answers every statement of <queries> with the columns it must return");
            return OK;
        }
        return NO;
    }

    private int list(final List<String> arguments, final Path configFile) throws BadConfig {
        if (arguments.size() != 1) {
            return usage("list takes one <username>", "list");
        }
        final Optional<LoginName> login = Lister.parse(arguments.get(0));
        if (login.isEmpty()) {
            return usage("'" + arguments.get(0) + "' is neither a MAC address nor an email address", "list");
        }
        final AccountAuthConfig config = config(configFile);
        return withStore(config, store -> {
            final Optional<List<String>> lines = new Lister(store).list(login.get());
            if (lines.isEmpty()) {
                err.println("error: no " + (login.get().kind() == LoginName.Kind.DEVICE ? "device with MAC " :
                        "account with email ") + login.get().lookupKey());
                return NO;
            }
            lines.get().forEach(out::println);
            return OK;
        });
    }

    private int provisionDevice(final List<String> arguments) {
        if (!arguments.isEmpty()) {
            return usage("provision-device takes no arguments", "provision-device");
        }
        try {
            return HashPasswordMain.run(new String[]{"provision-device"}, in, out, err,
                    environment.apply(HashPasswordMain.PEPPER_VARIABLE));
        } catch (final IOException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        }
    }

    private int hashPassword(final List<String> arguments, final Parsed parsed, final Path configFile)
            throws BadConfig {
        if (!arguments.isEmpty()) {
            return usage("hash-password takes no arguments: it reads the password from standard input, never " +
                    "from the command line", "hash-password");
        }
        if (FORMAT_OPTIONS.stream().anyMatch(parsed.options::containsKey)) {
            final List<String> forwarded = new ArrayList<>(List.of("hash-password"));
            for (final String option : Stream.concat(Stream.of("--cost"), FORMAT_OPTIONS.stream()).toList()) {
                if (parsed.options.containsKey(option)) {
                    forwarded.add(option);
                    forwarded.add(parsed.options.get(option));
                }
            }
            try {
                return HashPasswordMain.run(forwarded.toArray(String[]::new), in, out, err,
                        environment.apply(HashPasswordMain.PEPPER_VARIABLE));
            } catch (final IOException e) {
                err.println("error: cannot read the password from standard input: " + e.getMessage());
                return USAGE;
            }
        }
        final int cost;
        if (parsed.options.containsKey("--cost")) {
            try {
                cost = Integer.parseInt(parsed.options.get("--cost"));
            } catch (final NumberFormatException e) {
                return usage("--cost must be a number from 4 to 31", "hash-password");
            }
            if (cost < 4 || cost > 31) {
                return usage("--cost must be a number from 4 to 31", "hash-password");
            }
        } else {
            cost = config(configFile).authentication().dummyBcryptCost();
        }
        final byte[] raw;
        try {
            raw = readPassword();
        } catch (final IOException e) {
            err.println("error: cannot read the password from standard input: " + e.getMessage());
            return USAGE;
        }
        final Optional<String> password = PasswordVerifier.acceptablePassword(raw);
        Arrays.fill(raw, (byte) 0);
        if (password.isEmpty()) {
            err.println("error: the password must be 1 to " + PasswordVerifier.MAX_PASSWORD_BYTES +
                    " bytes of UTF-8 without NUL (the extension refuses any other at CONNECT)");
            return USAGE;
        }
        out.println(PasswordHasher.hash(password.get(), cost));
        return OK;
    }

    /** A terminal: read without echo. Otherwise standard input, without its final line break. */
    private byte[] readPassword() throws IOException {
        final Console console = System.console();
        if (in == System.in && console != null) {
            final char[] typed = console.readPassword("password: ");
            if (typed == null) {
                return new byte[0];
            }
            final byte[] bytes = new String(typed).getBytes(StandardCharsets.UTF_8);
            Arrays.fill(typed, '\0');
            return bytes;
        }
        byte[] bytes = in.readAllBytes();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        if (end != bytes.length) {
            final byte[] trimmed = Arrays.copyOf(bytes, end);
            Arrays.fill(bytes, (byte) 0);
            bytes = trimmed;
        }
        return bytes;
    }

    private AccountAuthConfig config(final Path configFile) throws BadConfig {
        try {
            return new ConfigLoader(environment).load(configFile);
        } catch (final InvalidConfigException e) {
            err.println("error: " + configFile + " is invalid: " + e.problems().get(0) +
                    (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more; run check-config)" : ""));
            throw new BadConfig(BAD_CONFIG);
        }
    }

    @FunctionalInterface
    private interface StoreWork {
        int run(AdminStore store) throws AccountStoreUnavailableException;
    }

    private int withStore(final AccountAuthConfig config, final StoreWork work) {
        try (AdminStore store = backend.open(config)) {
            return work.run(store);
        } catch (final AccountStoreUnavailableException e) {
            err.println("error: account DB unavailable: " + safe(config, withRootCause(e)));
            return DB_UNAVAILABLE;
        } catch (final RuntimeException e) {
            err.println("error: " + safe(config, e.toString()));
            return DB_UNAVAILABLE;
        }
    }

    /** The message, and the first cause's where it says more (HikariCP's timeout hides "Connection refused"). */
    static String withRootCause(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // one line: Connector/J's "Communications link failure" spans three
        final String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return root == e || root.getMessage() == null || message.contains(root.getMessage()) ? message :
                message + " (" + root.getMessage().lines().findFirst().orElse("") + ")";
    }

    /** A driver's message may quote the JDBC URL, which can hold a password. */
    private static String safe(final AccountAuthConfig config, final String message) {
        final String url = config.database().jdbcUrl();
        return url.isEmpty() ? message : String.valueOf(message).replace(url, LoggableJdbcUrl.of(url));
    }

    private int usage(final String problem) {
        err.println("error: " + problem + "; " + USAGE_LINE);
        return USAGE;
    }

    private int usage(final String problem, final String command) {
        err.println("error: " + problem + " (see " + command + " --help)");
        return USAGE;
    }

    /** A config problem already reported, carrying its exit code out of a command. */
    private static final class BadConfig extends Exception {
        private final int code;

        BadConfig(final int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** The command line: positional arguments, options with a value, and flags, in any order. */
    private record Parsed(List<String> positional, Map<String, String> options, Set<String> flags) {
        static Parsed of(final String[] args) {
            final List<String> positional = new ArrayList<>();
            final Map<String, String> options = new HashMap<>();
            final Set<String> flags = new java.util.HashSet<>();
            boolean onlyPositional = false;
            for (int i = 0; i < args.length; i++) {
                final String arg = args[i];
                if (onlyPositional || !arg.startsWith("-") || arg.equals("-")) {
                    positional.add(arg);
                } else if (arg.equals("--")) {
                    onlyPositional = true; // a topic may start with '-'
                } else if (FLAGS.contains(arg)) {
                    flags.add(arg);
                } else if (OPTIONS.contains(arg)) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    options.put(arg, args[++i]);
                } else if (arg.startsWith("--") && arg.contains("=") &&
                        OPTIONS.contains(arg.substring(0, arg.indexOf('=')))) {
                    options.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
                } else {
                    throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            return new Parsed(positional, options, flags);
        }
    }
}
