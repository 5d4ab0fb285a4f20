package com.accountauth.extension.config;


import com.accountauth.extension.identity.CertificateField;
import com.accountauth.extension.identity.LoginMode;
import com.accountauth.extension.password.HashTarget;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Every number and flag of config.xml, each with its name, default and bounds written once: {@link ConfigLoader}
 * reads them through these constants, the settings records take their defaults from here, and
 * {@code ConfigElementsDocumentedTest} checks that the shipped conf/config.xml and docs/CONFIGURATION.md give the
 * same defaults. Text elements (the DB URL, the statements, the topic templates) are read by the loader directly.
 * <p>
 * A new number or flag: one constant here, added to {@link #ALL}; its field and javadoc in the settings record; the
 * element with its default in conf/config.xml; a row in docs/CONFIGURATION.md.
 */
public final class ConfigElements {

    private ConfigElements() {
    }

    private static int cores() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** A whole number element. */
    public record IntElement(String section, String name, IntSupplier defaults, String documentedDefault, int min,
                             int max) implements Element {

        static IntElement of(final String section, final String name, final int defaultValue, final int min,
                             final int max) {
            return new IntElement(section, name, () -> defaultValue, Integer.toString(defaultValue), min, max);
        }

        /** The default, for this machine when it depends on it (e.g. the number of cores). */
        public int defaultValue() {
            return defaults.getAsInt();
        }
    }

    /** A true/false element. */
    public record BoolElement(String section, String name, boolean defaultValue) implements Element {

        @Override
        public String documentedDefault() {
            return Boolean.toString(defaultValue);
        }
    }

    /** One word out of a fixed few. */
    public record ChoiceElement(String section, String name, List<String> choices, String defaultValue)
            implements Element {

        @Override
        public String documentedDefault() {
            return defaultValue == null ? "required" : defaultValue;
        }
    }

    /** What every element has. */
    public sealed interface Element permits IntElement, BoolElement, ChoiceElement {

        /** The path of its parent from the root, e.g. {@code database} or {@code permissions/retain}. */
        String section();

        String name();

        /** The default as conf/config.xml and docs/CONFIGURATION.md write it. */
        String documentedDefault();

        /** {@code section/name}, as docs/CONFIGURATION.md names it. */
        default String path() {
            return section() + "/" + name();
        }
    }

    private static final String SHARED = "permissions/shared-subscriptions";

    public static final IntElement POOL_SIZE = IntElement.of("database", "pool-size", 8, 1, 1000);
    public static final IntElement CONNECTION_TIMEOUT_MILLIS =
            IntElement.of("database", "connection-timeout-millis", 2000, 250, 600_000);
    public static final IntElement QUERY_TIMEOUT_SECONDS =
            IntElement.of("database", "query-timeout-seconds", 2, 1, 3600);
    public static final IntElement OUTAGE_GRACE_SECONDS =
            IntElement.of("database", "outage-grace-seconds", 300, 0, 604_800);

    public static final IntElement AUTH_TIMEOUT_MILLIS =
            IntElement.of("authentication", "timeout-millis", 10_000, 100, 600_000);
    // a cold CONNECT on the fast scheme waits on the DB, not the CPU: more workers than cores, with the costly
    // password checks among them bounded by cores (password-check-threads)
    public static final IntElement WORKER_THREADS = new IntElement("authentication", "worker-threads",
            () -> cores() + 8, "cores + 8", 1, 1024);
    public static final IntElement PASSWORD_CHECK_THREADS = new IntElement("authentication",
            "password-check-threads", ConfigElements::cores, "cores", 1, 1024);
    public static final IntElement QUEUE_SIZE = IntElement.of("authentication", "queue-size", 10_000, 1, 10_000_000);
    public static final IntElement MAX_BCRYPT_COST = IntElement.of("authentication", "max-bcrypt-cost", 14, 4, 31);
    public static final IntElement DUMMY_BCRYPT_COST = IntElement.of("authentication", "dummy-bcrypt-cost", 10, 4, 31);

    // <retain>: nobody publishes retained messages (or retained Wills): a retained command would be replayed to the
    // device on every connect, also after its owner lost the pairing
    public static final BoolElement RETAIN_DEVICE = new BoolElement("permissions/retain", "device", false);
    public static final BoolElement RETAIN_USER = new BoolElement("permissions/retain", "user", false);
    public static final BoolElement RETAIN_SERVICE = new BoolElement("permissions/retain", "service", false);
    // <shared-subscriptions>: only service accounts (backends that share the load) share subscriptions
    public static final BoolElement SHARED_DEVICE = new BoolElement(SHARED, "device", false);
    public static final BoolElement SHARED_USER = new BoolElement(SHARED, "user", false);
    public static final BoolElement SHARED_SERVICE = new BoolElement(SHARED, "service", true);

    public static final BoolElement LIVE_CHANGES_ENABLED = new BoolElement("live-changes", "enabled", true);
    public static final IntElement POLL_INTERVAL_MILLIS =
            IntElement.of("live-changes", "poll-interval-millis", 2000, 100, 3_600_000);
    public static final IntElement GAP_TIMEOUT_SECONDS =
            IntElement.of("live-changes", "gap-timeout-seconds", 120, 1, 86_400);
    public static final IntElement ERROR_AFTER_SECONDS =
            IntElement.of("live-changes", "error-after-seconds", 30, 1, 86_400);

    public static final BoolElement BIND_TO_PRINCIPAL = new BoolElement("client-ids", "bind-to-principal", true);
    public static final BoolElement RESERVE_DEVICE_IDS = new BoolElement("client-ids", "reserve-device-ids", true);
    // the client_ids column is VARCHAR(191): the longest utf8mb4 key an InnoDB index takes on older MySQL
    public static final IntElement CLIENT_ID_MAX_LENGTH = IntElement.of("client-ids", "max-length", 191, 1, 65_535);
    public static final IntElement EXPIRE_UNUSED_AFTER_SECONDS =
            IntElement.of("client-ids", "expire-unused-after-seconds", 90 * 86_400, 0, Integer.MAX_VALUE);
    public static final IntElement LAST_USED_INTERVAL_SECONDS =
            IntElement.of("client-ids", "last-used-interval-seconds", 3600, 1, 86_400);

    public static final IntElement MAX_PRINCIPALS = IntElement.of("cache", "max-principals", 200_000, 0, 100_000_000);
    public static final IntElement PRINCIPAL_TTL_SECONDS =
            IntElement.of("cache", "principal-ttl-seconds", 3600, 1, 604_800);
    public static final IntElement UNKNOWN_TTL_SECONDS = IntElement.of("cache", "unknown-ttl-seconds", 30, 1, 3600);
    public static final IntElement MAX_CREDENTIALS = IntElement.of("cache", "max-credentials", 200_000, 0, 100_000_000);
    public static final IntElement MAX_CLIENT_IDS = IntElement.of("cache", "max-client-ids", 400_000, 0, 100_000_000);
    public static final IntElement PRELOAD_DEVICES =
            IntElement.of("cache", "preload-devices", 100_000, 0, 100_000_000);

    public static final BoolElement THROTTLING_ENABLED = new BoolElement("throttling", "enabled", true);
    public static final IntElement ADDRESS_FAILURE_BURST =
            IntElement.of("throttling", "address-failure-burst", 10, 1, 1_000_000);
    public static final IntElement ADDRESS_FAILURES_PER_MINUTE =
            IntElement.of("throttling", "address-failures-per-minute", 60, 1, 1_000_000);
    public static final IntElement ADDRESS_MAX_IN_FLIGHT =
            IntElement.of("throttling", "address-max-in-flight", 500, 1, 10_000_000);
    public static final IntElement USERNAME_FAILURE_BURST =
            IntElement.of("throttling", "username-failure-burst", 5, 1, 1_000_000);
    public static final IntElement USERNAME_FAILURES_PER_MINUTE =
            IntElement.of("throttling", "username-failures-per-minute", 5, 1, 1_000_000);

    // <passwords>: a stored hash beyond a bound is refused (one bad row cannot stall the workers); costs of new hashes
    public static final IntElement MAX_PBKDF2_ITERATIONS = IntElement.of("passwords", "max-pbkdf2-iterations",
            PasswordSettings.DEFAULT_MAX_PBKDF2_ITERATIONS, 1, 100_000_000);
    public static final IntElement MAX_ARGON2_MEMORY_KIB = IntElement.of("passwords", "max-argon2-memory-kib",
            PasswordSettings.DEFAULT_MAX_ARGON2_MEMORY_KIB, 8, 4_194_304);
    public static final IntElement MAX_ARGON2_ITERATIONS = IntElement.of("passwords", "max-argon2-iterations",
            PasswordSettings.DEFAULT_MAX_ARGON2_ITERATIONS, 1, 1000);
    public static final IntElement MAX_ARGON2_PARALLELISM = IntElement.of("passwords", "max-argon2-parallelism",
            PasswordSettings.DEFAULT_MAX_ARGON2_PARALLELISM, 1, 255);
    public static final IntElement PBKDF2_ITERATIONS = IntElement.of("passwords", "pbkdf2-iterations",
            HashTarget.DEFAULT_PBKDF2_ITERATIONS, 1_000, 100_000_000);
    // at least 8 KiB per lane (Argon2's own rule), checked against <argon2-parallelism> as well
    public static final IntElement ARGON2_MEMORY_KIB = IntElement.of("passwords", "argon2-memory-kib",
            HashTarget.DEFAULT_ARGON2_MEMORY_KIB, 8, 4_194_304);
    public static final IntElement ARGON2_ITERATIONS = IntElement.of("passwords", "argon2-iterations",
            HashTarget.DEFAULT_ARGON2_ITERATIONS, 1, 1000);
    public static final IntElement ARGON2_PARALLELISM = IntElement.of("passwords", "argon2-parallelism",
            HashTarget.DEFAULT_ARGON2_PARALLELISM, 1, 255);

    // <reload>: how often conf/config.xml is looked at for changes; 0 reads it only at start
    public static final IntElement RELOAD_INTERVAL_SECONDS = IntElement.of("reload", "interval-seconds", 10, 0, 86_400);
    public static final ChoiceElement AUDIT_FORMAT =
            new ChoiceElement("audit", "format", List.of("text", "json"), "text");
    // <certificate-logins><listener>: <name> (required, a HiveMQ listener's name), <mode> (required), <identity>
    public static final String CERTIFICATE_LISTENER = "certificate-logins/listener";
    public static final ChoiceElement CERTIFICATE_LOGIN_MODE = new ChoiceElement(CERTIFICATE_LISTENER, "mode",
            Arrays.stream(LoginMode.values()).map(LoginMode::configName).toList(), null);
    public static final ChoiceElement CERTIFICATE_IDENTITY = new ChoiceElement(CERTIFICATE_LISTENER, "identity",
            Arrays.stream(CertificateField.values()).map(CertificateField::configName).toList(),
            CertificateField.SUBJECT_CN.configName());

    /** Every constant above, in the order of conf/config.xml. */
    public static final List<Element> ALL = List.of(
            POOL_SIZE, CONNECTION_TIMEOUT_MILLIS, QUERY_TIMEOUT_SECONDS, OUTAGE_GRACE_SECONDS,
            AUTH_TIMEOUT_MILLIS, WORKER_THREADS, PASSWORD_CHECK_THREADS, QUEUE_SIZE, MAX_BCRYPT_COST, DUMMY_BCRYPT_COST,
            RETAIN_DEVICE, RETAIN_USER, RETAIN_SERVICE, SHARED_DEVICE, SHARED_USER, SHARED_SERVICE,
            LIVE_CHANGES_ENABLED, POLL_INTERVAL_MILLIS, GAP_TIMEOUT_SECONDS, ERROR_AFTER_SECONDS,
            BIND_TO_PRINCIPAL, RESERVE_DEVICE_IDS, CLIENT_ID_MAX_LENGTH, EXPIRE_UNUSED_AFTER_SECONDS,
            LAST_USED_INTERVAL_SECONDS,
            MAX_PRINCIPALS, PRINCIPAL_TTL_SECONDS, UNKNOWN_TTL_SECONDS, MAX_CREDENTIALS, MAX_CLIENT_IDS, PRELOAD_DEVICES,
            THROTTLING_ENABLED, ADDRESS_FAILURE_BURST, ADDRESS_FAILURES_PER_MINUTE, ADDRESS_MAX_IN_FLIGHT,
            USERNAME_FAILURE_BURST, USERNAME_FAILURES_PER_MINUTE, MAX_PBKDF2_ITERATIONS, MAX_ARGON2_MEMORY_KIB,
            MAX_ARGON2_ITERATIONS, MAX_ARGON2_PARALLELISM, PBKDF2_ITERATIONS, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS,
            ARGON2_PARALLELISM, RELOAD_INTERVAL_SECONDS, AUDIT_FORMAT);

    /** The names of {@link #ALL}'s elements in {@code section}: what the loader allows there besides text elements. */
    static List<String> namesIn(final String section) {
        return ALL.stream().filter(e -> e.section().equals(section)).map(Element::name).toList();
    }
}
