package com.accountauth.extension.config;

import com.accountauth.extension.acl.AutoSubscribeTemplates;
import com.accountauth.extension.acl.MessageRights;
import com.accountauth.extension.acl.PermissionTemplates;
import com.accountauth.extension.acl.RightsByKind;
import com.accountauth.extension.acl.TemplateSet;
import com.accountauth.extension.acl.TopicTemplate;
import com.accountauth.extension.identity.ClientIdPattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads conf/config.xml, replaces {@code ${ENV:NAME}} with the environment variable, and validates everything at once:
 * the exception lists every problem, each naming its element.
 */
public final class ConfigLoader {

    /** Where the file lives, relative to the extension's folder. */
    public static final String CONFIG_PATH = "conf/config.xml";

    private static final Pattern ENV = Pattern.compile("\\$\\{ENV:([^}]*)}");
    private static final Set<String> DEVICE_PLACEHOLDERS = TopicTemplate.PLACEHOLDERS;

    private final Function<String, String> environment;

    /** @param environment looks up environment variables ({@code System::getenv} in production) */
    public ConfigLoader(final Function<String, String> environment) {
        this.environment = environment;
    }

    public AccountAuthConfig load(final Path file) throws InvalidConfigException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(List.of(file + ": file not found"));
        }
        final Document document;
        try {
            document = newSecureBuilder().parse(file.toFile());
        } catch (final SAXException | IOException | ParserConfigurationException e) {
            throw new InvalidConfigException(List.of(file + ": not well-formed XML: " + e.getMessage()));
        }
        final List<String> problems = new ArrayList<>();
        final Element root = document.getDocumentElement();
        if (!root.getTagName().equals("account-auth")) {
            throw new InvalidConfigException(
                    List.of("<" + root.getTagName() + ">: the root element must be <account-auth>"));
        }
        final Section top = new Section("", root, problems, Set.of("database", "authentication", "queries",
                "permissions", "auto-subscribe", "live-changes", "client-ids", "cache", "throttling"));
        final DatabaseSettings database = database(top.child("database"), problems);
        final AuthenticationSettings authentication = authentication(top.child("authentication"));
        final QuerySettings queries = queries(top.child("queries"), problems);
        final PermissionTemplates permissions = permissions(top.child("permissions"), problems);
        final AutoSubscribeTemplates autoSubscribe = autoSubscribe(top.child("auto-subscribe"), problems);
        final LiveChangeSettings liveChanges = liveChanges(top.child("live-changes"), problems);
        final ClientIdSettings clientIds = clientIds(top.child("client-ids"), problems);
        final CacheSettings cache = cache(top.child("cache"));
        final ThrottleSettings throttling = throttling(top.child("throttling"));
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new AccountAuthConfig(database, authentication, queries, permissions, autoSubscribe, liveChanges,
                clientIds, cache, throttling);
    }

    private DatabaseSettings database(final Section section, final List<String> problems) {
        section.allow("jdbc-url", "username", "password", "driver-class", "pool-size", "connection-timeout-millis",
                "query-timeout-seconds");
        final String url = section.required("jdbc-url");
        if (url != null && !url.startsWith("jdbc:")) {
            problems.add(section.path("jdbc-url") + ": '" + LoggableJdbcUrl.of(url) +
                    "' is not a JDBC URL (jdbc:mysql://host:port/db)");
        }
        return new DatabaseSettings(url, section.required("username"), section.text("password").orElse(""),
                section.text("driver-class"),
                section.integer("pool-size", DatabaseSettings.DEFAULT_POOL_SIZE, 1, 1000),
                section.integer("connection-timeout-millis",
                        (int) DatabaseSettings.DEFAULT_CONNECTION_TIMEOUT_MILLIS, 250, 600_000),
                section.integer("query-timeout-seconds", DatabaseSettings.DEFAULT_QUERY_TIMEOUT_SECONDS, 1, 3600));
    }

    private AuthenticationSettings authentication(final Section section) {
        section.allow("timeout-millis", "worker-threads", "queue-size", "max-bcrypt-cost", "dummy-bcrypt-cost");
        return new AuthenticationSettings(
                section.integer("timeout-millis", (int) AuthenticationSettings.DEFAULT_TIMEOUT_MILLIS, 100, 600_000),
                section.integer("worker-threads", AuthenticationSettings.defaultWorkerThreads(), 1, 1024),
                section.integer("queue-size", AuthenticationSettings.DEFAULT_QUEUE_SIZE, 1, 10_000_000),
                section.integer("max-bcrypt-cost", AuthenticationSettings.DEFAULT_MAX_BCRYPT_COST, 4, 31),
                section.integer("dummy-bcrypt-cost", AuthenticationSettings.DEFAULT_DUMMY_BCRYPT_COST, 4, 31));
    }

    private QuerySettings queries(final Section section, final List<String> problems) {
        section.allow("device-by-mac", "device-by-id", "account-by-email", "account-by-id",
                "devices-paired-to-account", "bind-client-id", "client-id-owner", "changes-since", "latest-change",
                "accounts-paired-to-device", "client-ids-of");
        final String deviceByMac = principalQuery(section, "device-by-mac", QuerySettings.DEFAULT_DEVICE_BY_MAC,
                problems);
        final String accountByEmail = principalQuery(section, "account-by-email",
                QuerySettings.DEFAULT_ACCOUNT_BY_EMAIL, problems);
        return new QuerySettings(
                deviceByMac, SqlParameters.count(deviceByMac) == 2,
                query(section, "device-by-id", QuerySettings.DEFAULT_DEVICE_BY_ID, 1, problems),
                accountByEmail, SqlParameters.count(accountByEmail) == 2,
                query(section, "account-by-id", QuerySettings.DEFAULT_ACCOUNT_BY_ID, 1, problems),
                query(section, "devices-paired-to-account", QuerySettings.DEFAULT_DEVICES_PAIRED_TO_ACCOUNT, 1,
                        problems),
                query(section, "bind-client-id", QuerySettings.DEFAULT_BIND_CLIENT_ID, 3, problems),
                query(section, "client-id-owner", QuerySettings.DEFAULT_CLIENT_ID_OWNER, 1, problems),
                query(section, "changes-since", QuerySettings.DEFAULT_CHANGES_SINCE, 1, problems),
                query(section, "latest-change", QuerySettings.DEFAULT_LATEST_CHANGE, 0, problems),
                query(section, "accounts-paired-to-device", QuerySettings.DEFAULT_ACCOUNTS_PAIRED_TO_DEVICE, 1,
                        problems),
                query(section, "client-ids-of", QuerySettings.DEFAULT_CLIENT_IDS_OF, 2, problems));
    }

    private static String query(final Section section, final String name, final String fallback,
                                final int expectedParameters, final List<String> problems) {
        final String sql = section.text(name).orElse(fallback);
        final int parameters = SqlParameters.count(sql);
        if (parameters != expectedParameters) {
            problems.add(section.path(name) + ": the statement must take exactly " + expectedParameters +
                    " '?' parameter" + (expectedParameters == 1 ? "" : "s") + ", it has " + parameters);
        }
        return sql;
    }

    /**
     * A statement that finds a principal by its login: 1 parameter (the login), or 2 when it also reads the owner
     * of the CONNECT's client id (the login, then the client id).
     */
    private static String principalQuery(final Section section, final String name, final String fallback,
                                         final List<String> problems) {
        final String sql = section.text(name).orElse(fallback);
        final int parameters = SqlParameters.count(sql);
        if (parameters != 1 && parameters != 2) {
            problems.add(section.path(name) + ": the statement must take 1 or 2 '?' parameters (the second is " +
                    "the client id), it has " + parameters);
        }
        return sql;
    }

    private static LiveChangeSettings liveChanges(final Section section, final List<String> problems) {
        section.allow("enabled", "poll-interval-millis", "gap-timeout-seconds", "error-after-seconds");
        final LiveChangeSettings settings = new LiveChangeSettings(section.bool("enabled", true),
                section.integer("poll-interval-millis", (int) LiveChangeSettings.DEFAULT_POLL_INTERVAL_MILLIS, 100,
                        3_600_000),
                section.integer("gap-timeout-seconds", LiveChangeSettings.DEFAULT_GAP_TIMEOUT_SECONDS, 1, 86_400),
                section.integer("error-after-seconds", LiveChangeSettings.DEFAULT_ERROR_AFTER_SECONDS, 1, 86_400));
        if (settings.gapTimeoutSeconds() * 1000L < 2 * settings.pollIntervalMillis()) {
            // a gap must outlive a poll or two, or a change committed a moment late is given up unread
            problems.add(section.path("gap-timeout-seconds") + ": " + settings.gapTimeoutSeconds() + " s is less " +
                    "than twice <poll-interval-millis> (" + settings.pollIntervalMillis() + " ms)");
        }
        return settings;
    }

    private static ThrottleSettings throttling(final Section section) {
        section.allow("enabled", "address-failure-burst", "address-failures-per-minute", "address-max-in-flight",
                "username-failure-burst", "username-failures-per-minute");
        return new ThrottleSettings(section.bool("enabled", true),
                section.integer("address-failure-burst", ThrottleSettings.DEFAULT_ADDRESS_FAILURE_BURST, 1, 1_000_000),
                section.integer("address-failures-per-minute", ThrottleSettings.DEFAULT_ADDRESS_FAILURES_PER_MINUTE,
                        1, 1_000_000),
                section.integer("address-max-in-flight", ThrottleSettings.DEFAULT_ADDRESS_MAX_IN_FLIGHT, 1,
                        10_000_000),
                section.integer("username-failure-burst", ThrottleSettings.DEFAULT_USERNAME_FAILURE_BURST, 1,
                        1_000_000),
                section.integer("username-failures-per-minute",
                        ThrottleSettings.DEFAULT_USERNAME_FAILURES_PER_MINUTE, 1, 1_000_000));
    }

    private static CacheSettings cache(final Section section) {
        section.allow("max-principals", "principal-ttl-seconds", "unknown-ttl-seconds", "max-credentials",
                "max-client-ids");
        return new CacheSettings(
                section.integer("max-principals", CacheSettings.DEFAULT_MAX_PRINCIPALS, 0, 100_000_000),
                section.integer("principal-ttl-seconds", CacheSettings.DEFAULT_PRINCIPAL_TTL_SECONDS, 1, 604_800),
                section.integer("unknown-ttl-seconds", CacheSettings.DEFAULT_UNKNOWN_TTL_SECONDS, 1, 3600),
                section.integer("max-credentials", CacheSettings.DEFAULT_MAX_CREDENTIALS, 0, 100_000_000),
                section.integer("max-client-ids", CacheSettings.DEFAULT_MAX_CLIENT_IDS, 0, 100_000_000));
    }

    private static ClientIdSettings clientIds(final Section section, final List<String> problems) {
        section.allow("bind-to-principal", "device-pattern", "account-pattern");
        return new ClientIdSettings(section.bool("bind-to-principal", true),
                clientIdPattern(section, "device-pattern", ClientIdPattern.DEVICE_PLACEHOLDERS, problems),
                clientIdPattern(section, "account-pattern", ClientIdPattern.ACCOUNT_PLACEHOLDERS, problems));
    }

    private static Optional<ClientIdPattern> clientIdPattern(final Section section, final String name,
                                                             final Set<String> placeholders,
                                                             final List<String> problems) {
        final Optional<String> text = section.text(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        final ClientIdPattern.Result result = ClientIdPattern.parse(text.get(), placeholders);
        if (result.error() != null) {
            problems.add(section.path(name) + ": " + result.error());
        }
        return result.asOptional();
    }

    private AutoSubscribeTemplates autoSubscribe(final Section section, final List<String> problems) {
        section.allow("device", "paired-device");
        return new AutoSubscribeTemplates(
                autoSubscribeKind(section, "device", PermissionDefaults.AUTO_SUBSCRIBE_DEVICE, problems),
                autoSubscribeKind(section, "paired-device", PermissionDefaults.AUTO_SUBSCRIBE_PAIRED_DEVICE,
                        problems));
    }

    private List<TopicTemplate> autoSubscribeKind(final Section parent, final String name,
                                                  final List<String> defaults, final List<String> problems) {
        final Section section = parent.child(name);
        section.allow("subscribe");
        final List<String> texts = section.exists() ? section.texts("subscribe") : defaults;
        return parseTemplates(section, "subscribe", texts, DEVICE_PLACEHOLDERS, problems);
    }

    private PermissionTemplates permissions(final Section section, final List<String> problems) {
        section.allow("device", "paired-device", "owned-device", "service", "retain", "shared-subscriptions");
        return new PermissionTemplates(
                templates(section, "device", DEVICE_PLACEHOLDERS, PermissionDefaults.DEVICE, problems),
                templates(section, "paired-device", DEVICE_PLACEHOLDERS, PermissionDefaults.PAIRED_DEVICE, problems),
                templates(section, "owned-device", DEVICE_PLACEHOLDERS, PermissionDefaults.OWNED_DEVICE, problems),
                templates(section, "service", Set.of(), PermissionDefaults.SERVICE, problems),
                rights(section.child("retain"), section.child("shared-subscriptions")));
    }

    /** {@code <retain>} and {@code <shared-subscriptions>}: one true/false per kind of principal. */
    private static RightsByKind rights(final Section retain, final Section shared) {
        retain.allow("device", "user", "service");
        shared.allow("device", "user", "service");
        return new RightsByKind(
                new MessageRights(retain.bool("device", PermissionDefaults.RETAIN.device()),
                        shared.bool("device", PermissionDefaults.SHARED_SUBSCRIPTIONS.device())),
                new MessageRights(retain.bool("user", PermissionDefaults.RETAIN.user()),
                        shared.bool("user", PermissionDefaults.SHARED_SUBSCRIPTIONS.user())),
                new MessageRights(retain.bool("service", PermissionDefaults.RETAIN.service()),
                        shared.bool("service", PermissionDefaults.SHARED_SUBSCRIPTIONS.service())));
    }

    private TemplateSet templates(final Section parent, final String name, final Set<String> placeholders,
                                  final PermissionDefaults.Templates defaults, final List<String> problems) {
        final Section section = parent.child(name);
        section.allow("publish", "subscribe");
        final boolean given = section.exists();
        final List<String> publish = given ? section.texts("publish") : defaults.publish();
        final List<String> subscribe = given ? section.texts("subscribe") : defaults.subscribe();
        for (final String text : subscribe) {
            // HiveMQ strips trailing slashes from a permission before matching, so '.../+/' acts as '.../+'
            final String matched = stripTrailingSlashes(text);
            if (matched.equals("+") || matched.endsWith("/+")) {
                // HiveMQ's permission check lets '#' through where a permission's last level is '+'
                problems.add(section.path("subscribe") + ": '" + text + "' ends in '+'" +
                        (matched.equals(text) ? "" : " (HiveMQ ignores its trailing '/')") + ", which would also " +
                        "allow a subscription to '#' in its place; end it in '/#' or name its last level");
            }
        }
        return new TemplateSet(parseTemplates(section, "publish", publish, placeholders, problems),
                parseTemplates(section, "subscribe", subscribe, placeholders, problems));
    }

    private static String stripTrailingSlashes(final String text) {
        int end = text.length();
        while (end > 1 && text.charAt(end - 1) == '/') {
            end--;
        }
        return text.substring(0, end);
    }

    private static List<TopicTemplate> parseTemplates(final Section section, final String element,
                                                      final List<String> texts, final Set<String> placeholders,
                                                      final List<String> problems) {
        final List<TopicTemplate> templates = new ArrayList<>();
        for (final String text : texts) {
            final TopicTemplate.Result result = TopicTemplate.parse(text, placeholders);
            if (result.ok()) {
                templates.add(result.template());
            } else {
                problems.add(section.path(element) + ": " + result.error());
            }
        }
        return templates;
    }

    private static DocumentBuilder newSecureBuilder() throws ParserConfigurationException {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // no DTDs, no external entities: the file is config, not a way to read other files
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder();
    }

    /** One element of the file, with the problems found in it collected as it is read. */
    private final class Section {

        private final String path;
        private final Element element;
        private final List<String> problems;
        private final Map<String, List<Element>> children = new LinkedHashMap<>();

        private Section(final String path, final Element element, final List<String> problems,
                        final Set<String> allowed) {
            this.path = path;
            this.element = element;
            this.problems = problems;
            if (element != null) {
                final NodeList nodes = element.getChildNodes();
                for (int i = 0; i < nodes.getLength(); i++) {
                    final Node node = nodes.item(i);
                    if (node instanceof Element child) {
                        children.computeIfAbsent(child.getTagName(), k -> new ArrayList<>()).add(child);
                    }
                }
            }
            if (allowed != null) {
                allow(allowed.toArray(String[]::new));
            }
        }

        boolean exists() {
            return element != null;
        }

        void allow(final String... names) {
            final Set<String> allowed = Set.of(names);
            for (final String name : children.keySet()) {
                if (!allowed.contains(name)) {
                    problems.add(path(name) + ": unknown element (expected one of " +
                            String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        String path(final String child) {
            return path + "<" + child + ">";
        }

        Section child(final String name) {
            return new Section(path(name) + "/", single(name), problems, null);
        }

        private Element single(final String name) {
            final List<Element> found = children.getOrDefault(name, List.of());
            if (found.size() > 1) {
                problems.add(path(name) + ": given " + found.size() + " times, at most once allowed");
            }
            return found.isEmpty() ? null : found.get(0);
        }

        Optional<String> text(final String name) {
            final Element child = single(name);
            return child == null ? Optional.empty() : Optional.of(substitute(name, child.getTextContent().trim()));
        }

        List<String> texts(final String name) {
            final List<String> values = new ArrayList<>();
            for (final Element child : children.getOrDefault(name, List.of())) {
                values.add(substitute(name, child.getTextContent().trim()));
            }
            return values;
        }

        String required(final String name) {
            final int known = problems.size();
            final Optional<String> value = text(name);
            if (problems.size() > known) {
                return null; // already reported, e.g. an unset environment variable
            }
            if (value.isEmpty() || value.get().isEmpty()) {
                problems.add(path(name) + ": required, but " + (value.isEmpty() ? "missing" : "empty"));
                return null;
            }
            return value.get();
        }

        boolean bool(final String name, final boolean fallback) {
            final Optional<String> value = text(name);
            if (value.isEmpty()) {
                return fallback;
            }
            if (!value.get().equals("true") && !value.get().equals("false")) {
                problems.add(path(name) + ": '" + value.get() + "' is not true or false");
                return fallback;
            }
            return Boolean.parseBoolean(value.get());
        }

        int integer(final String name, final int fallback, final int min, final int max) {
            final Optional<String> value = text(name);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                final int parsed = Integer.parseInt(value.get());
                if (parsed < min || parsed > max) {
                    problems.add(path(name) + ": " + parsed + " is outside " + min + ".." + max);
                    return fallback;
                }
                return parsed;
            } catch (final NumberFormatException e) {
                problems.add(path(name) + ": '" + value.get() + "' is not a whole number");
                return fallback;
            }
        }

        private String substitute(final String name, final String raw) {
            final Matcher matcher = ENV.matcher(raw);
            final StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                final String variable = matcher.group(1);
                final String value = environment.apply(variable);
                if (value == null) {
                    problems.add(path(name) + ": environment variable " + variable + " is not set");
                    matcher.appendReplacement(out, "");
                } else {
                    matcher.appendReplacement(out, Matcher.quoteReplacement(value));
                }
            }
            matcher.appendTail(out);
            return out.toString();
        }
    }
}
