package com.accountauth.extension.config;

import com.accountauth.extension.acl.AutoSubscribeTemplates;
import com.accountauth.extension.acl.MessageRights;
import com.accountauth.extension.acl.PermissionTemplates;
import com.accountauth.extension.acl.RightsByKind;
import com.accountauth.extension.acl.TemplateSet;
import com.accountauth.extension.acl.TopicTemplate;
import com.accountauth.extension.identity.CertificateField;
import com.accountauth.extension.identity.ClientIdPattern;
import com.accountauth.extension.identity.ListenerLogin;
import com.accountauth.extension.identity.LoginMode;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.CostLimits;
import com.accountauth.extension.password.HashTarget;
import com.accountauth.extension.password.KindPolicy;
import com.accountauth.extension.password.PasswordFormat;
import com.accountauth.extension.password.Pepper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
        return load(ConfigFile.read(file));
    }

    /** The config in {@code file}'s content as it was read (a reload parses exactly the bytes it compared). */
    public AccountAuthConfig load(final ConfigFile file) throws InvalidConfigException {
        if (file.content().isEmpty()) {
            throw new InvalidConfigException(List.of(file.path() + ": " + file.problem()));
        }
        final Document document;
        try {
            final InputSource source = new InputSource(new ByteArrayInputStream(file.content().get()));
            source.setSystemId(file.path().toUri().toString());
            document = newSecureBuilder().parse(source);
        } catch (final SAXException | IOException | ParserConfigurationException e) {
            throw new InvalidConfigException(List.of(file.path() + ": not well-formed XML: " + e.getMessage()));
        }
        final List<String> problems = new ArrayList<>();
        final Element root = document.getDocumentElement();
        if (!root.getTagName().equals("account-auth")) {
            throw new InvalidConfigException(
                    List.of("<" + root.getTagName() + ">: the root element must be <account-auth>"));
        }
        final Section top = new Section("", "", root, problems, Set.of("database", "authentication", "queries",
                "permissions", "auto-subscribe", "live-changes", "client-ids", "cache", "throttling", "passwords",
                "reload", "audit", "certificate-logins"));
        final DatabaseSettings database = database(top.child("database"), problems);
        final AuthenticationSettings authentication = authentication(top.child("authentication"));
        final QuerySettings queries = queries(top.child("queries"), problems);
        final PermissionTemplates permissions = permissions(top.child("permissions"), problems);
        final AutoSubscribeTemplates autoSubscribe = autoSubscribe(top.child("auto-subscribe"), problems);
        final LiveChangeSettings liveChanges = liveChanges(top.child("live-changes"), problems);
        final ClientIdSettings clientIds = clientIds(top.child("client-ids"), problems);
        final CacheSettings cache = cache(top.child("cache"));
        checkExpiry(clientIds, cache, problems);
        final ThrottleSettings throttling = throttling(top.child("throttling"));
        final PasswordSettings passwords = passwords(top.child("passwords"), authentication, problems);
        final Section reloadSection = top.child("reload");
        reloadSection.allow();
        final ReloadSettings reload = new ReloadSettings(reloadSection.integer(ConfigElements.RELOAD_INTERVAL_SECONDS));
        final AuditSettings audit = audit(top.child("audit"));
        final CertificateLoginSettings certificateLogins = certificateLogins(top.child("certificate-logins"),
                problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new AccountAuthConfig(database, authentication, queries, permissions, autoSubscribe, liveChanges,
                clientIds, cache, throttling, passwords, reload, audit, certificateLogins);
    }

    /** {@code <certificate-logins>}: one {@code <listener>} per HiveMQ listener that takes certificates. */
    private static CertificateLoginSettings certificateLogins(final Section section, final List<String> problems) {
        section.allow("listener");
        final Map<String, ListenerLogin> listeners = new LinkedHashMap<>();
        for (final Section listener : section.children("listener")) {
            listener.allow("name", ConfigElements.CERTIFICATE_LOGIN_MODE.name(),
                    ConfigElements.CERTIFICATE_IDENTITY.name());
            final String name = listener.required("name");
            final Optional<LoginMode> mode = choice(listener, ConfigElements.CERTIFICATE_LOGIN_MODE, problems)
                    .flatMap(LoginMode::byConfigName);
            final Optional<CertificateField> identity = choice(listener, ConfigElements.CERTIFICATE_IDENTITY,
                    problems).flatMap(CertificateField::byConfigName);
            if (name == null || mode.isEmpty() || identity.isEmpty()) {
                continue;
            }
            if (listeners.putIfAbsent(name, new ListenerLogin(mode.get(), identity.get())) != null) {
                problems.add(listener.path("name") + ": listener '" + name + "' is given twice");
            }
        }
        return new CertificateLoginSettings(listeners);
    }

    /** One of the element's words; its default when left out (a required one is reported). */
    private static Optional<String> choice(final Section section, final ConfigElements.ChoiceElement element,
                                           final List<String> problems) {
        final Optional<String> value = element.defaultValue() == null ?
                Optional.ofNullable(section.required(element.name())) :
                Optional.of(section.text(element.name()).orElse(element.defaultValue()));
        if (value.isPresent() && !element.choices().contains(value.get())) {
            final String why = value.get().equals("san-ip") ? " (an IP address cannot hold a MAC)" : "";
            problems.add(section.path(element.name()) + ": '" + value.get() + "' is not one of " +
                    String.join(", ", element.choices()) + why);
            return Optional.empty();
        }
        return value;
    }

    private DatabaseSettings database(final Section section, final List<String> problems) {
        section.allow("jdbc-url", "username", "password", "driver-class");
        final String url = section.required("jdbc-url");
        if (url != null && !url.startsWith("jdbc:")) {
            problems.add(section.path("jdbc-url") + ": '" + LoggableJdbcUrl.of(url) +
                    "' is not a JDBC URL (jdbc:mysql://host:port/db)");
        }
        return new DatabaseSettings(url, section.required("username"), section.text("password").orElse(""),
                section.text("driver-class"),
                section.integer(ConfigElements.POOL_SIZE),
                section.integer(ConfigElements.CONNECTION_TIMEOUT_MILLIS),
                section.integer(ConfigElements.QUERY_TIMEOUT_SECONDS),
                section.integer(ConfigElements.OUTAGE_GRACE_SECONDS));
    }

    private AuthenticationSettings authentication(final Section section) {
        section.allow();
        return new AuthenticationSettings(
                section.integer(ConfigElements.AUTH_TIMEOUT_MILLIS),
                section.integer(ConfigElements.WORKER_THREADS),
                section.integer(ConfigElements.PASSWORD_CHECK_THREADS),
                section.integer(ConfigElements.QUEUE_SIZE),
                section.integer(ConfigElements.MAX_BCRYPT_COST),
                section.integer(ConfigElements.DUMMY_BCRYPT_COST));
    }

    private QuerySettings queries(final Section section, final List<String> problems) {
        section.allow("device-by-mac", "device-by-id", "account-by-email", "account-by-id",
                "devices-paired-to-account", "bind-client-id", "client-id-owner", "device-reserving-client-id",
                "touch-client-id", "expire-client-ids", "changes-since", "latest-change", "update-device-password",
                "update-account-password", "accounts-paired-to-device", "client-ids-of", "devices-to-preload");
        final String deviceByMac = principalQuery(section, "device-by-mac", QuerySettings.DEFAULT_DEVICE_BY_MAC,
                problems);
        final String accountByEmail = principalQuery(section, "account-by-email",
                QuerySettings.DEFAULT_ACCOUNT_BY_EMAIL, problems);
        return new QuerySettings(
                deviceByMac, SqlParameters.count(deviceByMac) >= 2,
                query(section, "device-by-id", QuerySettings.DEFAULT_DEVICE_BY_ID, 1, problems),
                accountByEmail, SqlParameters.count(accountByEmail) >= 2,
                query(section, "account-by-id", QuerySettings.DEFAULT_ACCOUNT_BY_ID, 1, problems),
                query(section, "devices-paired-to-account", QuerySettings.DEFAULT_DEVICES_PAIRED_TO_ACCOUNT, 1,
                        problems),
                query(section, "bind-client-id", QuerySettings.DEFAULT_BIND_CLIENT_ID, 3, problems),
                query(section, "client-id-owner", QuerySettings.DEFAULT_CLIENT_ID_OWNER, 1, problems),
                query(section, "device-reserving-client-id", QuerySettings.DEFAULT_DEVICE_RESERVING_CLIENT_ID, 2,
                        problems),
                query(section, "touch-client-id", QuerySettings.DEFAULT_TOUCH_CLIENT_ID, 1, problems),
                query(section, "expire-client-ids", QuerySettings.DEFAULT_EXPIRE_CLIENT_IDS, 1, problems),
                query(section, "changes-since", QuerySettings.DEFAULT_CHANGES_SINCE, 1, problems),
                query(section, "latest-change", QuerySettings.DEFAULT_LATEST_CHANGE, 0, problems),
                query(section, "update-device-password", QuerySettings.DEFAULT_UPDATE_DEVICE_PASSWORD, 3, problems),
                query(section, "update-account-password", QuerySettings.DEFAULT_UPDATE_ACCOUNT_PASSWORD, 3,
                        problems),
                query(section, "accounts-paired-to-device", QuerySettings.DEFAULT_ACCOUNTS_PAIRED_TO_DEVICE, 1,
                        problems),
                query(section, "client-ids-of", QuerySettings.DEFAULT_CLIENT_IDS_OF, 2, problems),
                query(section, "devices-to-preload", QuerySettings.DEFAULT_DEVICES_TO_PRELOAD, 2, problems));
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
     * A statement that finds a principal by its login: 1 parameter (the login), 2 when it also reads the owner of
     * the CONNECT's client id (the login, then the client id), 4 when it also reads the device the client id is
     * reserved to (then the client id as {@code <device-reserving-client-id>} takes it, twice).
     */
    private static String principalQuery(final Section section, final String name, final String fallback,
                                         final List<String> problems) {
        final String sql = section.text(name).orElse(fallback);
        final int parameters = SqlParameters.count(sql);
        if (parameters != 1 && parameters != 2 && parameters != QuerySettings.READS_RESERVATION) {
            problems.add(section.path(name) + ": the statement must take 1, 2 or 4 '?' parameters (the second is " +
                    "the client id, the third and fourth those of <device-reserving-client-id>), it has " +
                    parameters);
        }
        return sql;
    }

    private static PasswordSettings passwords(final Section section, final AuthenticationSettings authentication,
                                              final List<String> problems) {
        section.allow("max-pbkdf2-iterations", "max-argon2-memory-kib", "max-argon2-iterations",
                "max-argon2-parallelism", "pbkdf2-iterations", "argon2-memory-kib", "argon2-iterations",
                "argon2-parallelism", "pepper", "device", "user", "service", "upgrade-on-login");
        final CostLimits limits = new CostLimits(authentication.maxBcryptCost(),
                section.integer(ConfigElements.MAX_PBKDF2_ITERATIONS),
                section.integer(ConfigElements.MAX_ARGON2_MEMORY_KIB),
                section.integer(ConfigElements.MAX_ARGON2_ITERATIONS),
                section.integer(ConfigElements.MAX_ARGON2_PARALLELISM));
        final int argon2Parallelism = section.integer(ConfigElements.ARGON2_PARALLELISM);
        final int argon2Memory = section.integer(ConfigElements.ARGON2_MEMORY_KIB);
        if (argon2Memory < 8 * argon2Parallelism) {
            problems.add(section.path(ConfigElements.ARGON2_MEMORY_KIB.name()) + ": " + argon2Memory + " is below 8 KiB" +
                    " per lane of <argon2-parallelism> " + argon2Parallelism);
        }
        final HashTarget costs = new HashTarget(PasswordSettings.DEFAULT_TARGET, authentication.dummyBcryptCost(),
                section.integer(ConfigElements.PBKDF2_ITERATIONS), Math.max(argon2Memory, 8 * argon2Parallelism),
                section.integer(ConfigElements.ARGON2_ITERATIONS), argon2Parallelism);
        // new hashes must pass the bounds, or an upgrade would write rows that are then refused
        if (costs.bcryptCost() > limits.maxBcryptCost()) {
            problems.add("<authentication><dummy-bcrypt-cost>: " + costs.bcryptCost() + " is over " +
                    "<max-bcrypt-cost> " + limits.maxBcryptCost());
        }
        if (costs.pbkdf2Iterations() > limits.maxPbkdf2Iterations()) {
            problems.add(section.path("pbkdf2-iterations") + ": over <max-pbkdf2-iterations>");
        }
        if (costs.argon2MemoryKib() > limits.maxArgon2MemoryKib()
                || costs.argon2Iterations() > limits.maxArgon2Iterations()
                || costs.argon2Parallelism() > limits.maxArgon2Parallelism()) {
            problems.add(section.path("argon2-memory-kib") + ": the Argon2 costs of new hashes are over their " +
                    "<max-argon2-...> bounds");
        }
        Optional<Pepper> pepper = Optional.empty();
        final Optional<String> pepperText = section.text("pepper");
        if (pepperText.isPresent()) {
            try {
                pepper = Optional.of(new Pepper(pepperText.get()));
            } catch (final IllegalArgumentException e) {
                problems.add(section.path("pepper") + ": " + e.getMessage() + " (leave the element out for none)");
            }
        }
        final Map<Principal.Kind, KindPolicy> kinds = new EnumMap<>(Principal.Kind.class);
        kinds.put(Principal.Kind.DEVICE, kindPolicy(section, "device", PasswordSettings.DEFAULT_DEVICE_FORMATS,
                costs, problems));
        kinds.put(Principal.Kind.USER, kindPolicy(section, "user", PasswordSettings.DEFAULT_ACCOUNT_FORMATS,
                costs, problems));
        kinds.put(Principal.Kind.SERVICE, kindPolicy(section, "service", PasswordSettings.DEFAULT_ACCOUNT_FORMATS,
                costs, problems));
        return new PasswordSettings(limits, pepper, kinds, section.bool("upgrade-on-login", false));
    }

    private static KindPolicy kindPolicy(final Section parent, final String name,
                                         final Set<PasswordFormat> defaultFormats, final HashTarget costs,
                                         final List<String> problems) {
        final Section section = parent.child(name);
        section.allow("formats", "target");
        final Set<PasswordFormat> formats = EnumSet.noneOf(PasswordFormat.class);
        final Optional<String> formatText = section.text("formats");
        if (formatText.isPresent()) {
            for (final String word : formatText.get().split("[\\s,]+")) {
                if (!word.isEmpty()) {
                    PasswordFormat.byConfigName(word).ifPresentOrElse(formats::add, () -> problems.add(
                            section.path("formats") + ": unknown format '" + word + "' (expected " +
                                    Arrays.stream(PasswordFormat.values()).map(PasswordFormat::configName)
                                            .collect(Collectors.joining(", ")) + ")"));
                }
            }
            if (formats.isEmpty()) {
                problems.add(section.path("formats") + ": names no format");
            }
        } else {
            formats.addAll(defaultFormats);
        }
        final String targetText = section.text("target").orElse(PasswordSettings.DEFAULT_TARGET.configName());
        final Optional<PasswordFormat> target = PasswordFormat.byConfigName(targetText);
        if (target.isEmpty() || !target.get().canBeTarget()) {
            problems.add(section.path("target") + ": '" + targetText + "' is not a format new hashes can be made " +
                    "in (bcrypt, pbkdf2, argon2id, fast)");
            return new KindPolicy(defaultFormats, costs);
        }
        if (!formats.isEmpty() && !formats.contains(target.get())) {
            problems.add(section.path("target") + ": " + target.get() + " is not among <formats>");
            return new KindPolicy(defaultFormats, costs);
        }
        return new KindPolicy(formats.isEmpty() ? defaultFormats : formats, costs.as(target.get()));
    }

    private static LiveChangeSettings liveChanges(final Section section, final List<String> problems) {
        section.allow();
        final LiveChangeSettings settings = new LiveChangeSettings(section.bool(ConfigElements.LIVE_CHANGES_ENABLED),
                section.integer(ConfigElements.POLL_INTERVAL_MILLIS),
                section.integer(ConfigElements.GAP_TIMEOUT_SECONDS),
                section.integer(ConfigElements.ERROR_AFTER_SECONDS));
        if (settings.gapTimeoutSeconds() * 1000L < 2 * settings.pollIntervalMillis()) {
            // a gap must outlive a poll or two, or a change committed a moment late is given up unread
            problems.add(section.path("gap-timeout-seconds") + ": " + settings.gapTimeoutSeconds() + " s is less " +
                    "than twice <poll-interval-millis> (" + settings.pollIntervalMillis() + " ms)");
        }
        return settings;
    }

    private static ThrottleSettings throttling(final Section section) {
        section.allow();
        return new ThrottleSettings(section.bool(ConfigElements.THROTTLING_ENABLED),
                section.integer(ConfigElements.ADDRESS_FAILURE_BURST),
                section.integer(ConfigElements.ADDRESS_FAILURES_PER_MINUTE),
                section.integer(ConfigElements.ADDRESS_MAX_IN_FLIGHT),
                section.integer(ConfigElements.USERNAME_FAILURE_BURST),
                section.integer(ConfigElements.USERNAME_FAILURES_PER_MINUTE));
    }

    private static AuditSettings audit(final Section section) {
        section.allow();
        return new AuditSettings(section.choice(ConfigElements.AUDIT_FORMAT).equals("json"));
    }

    private static CacheSettings cache(final Section section) {
        section.allow();
        return new CacheSettings(
                section.integer(ConfigElements.MAX_PRINCIPALS),
                section.integer(ConfigElements.PRINCIPAL_TTL_SECONDS),
                section.integer(ConfigElements.UNKNOWN_TTL_SECONDS),
                section.integer(ConfigElements.MAX_CREDENTIALS),
                section.integer(ConfigElements.MAX_CLIENT_IDS),
                section.integer(ConfigElements.PRELOAD_DEVICES));
    }

    private static ClientIdSettings clientIds(final Section section, final List<String> problems) {
        section.allow("device-pattern", "account-pattern");
        return new ClientIdSettings(section.bool(ConfigElements.BIND_TO_PRINCIPAL),
                section.bool(ConfigElements.RESERVE_DEVICE_IDS),
                section.integer(ConfigElements.CLIENT_ID_MAX_LENGTH),
                section.integer(ConfigElements.EXPIRE_UNUSED_AFTER_SECONDS),
                section.integer(ConfigElements.LAST_USED_INTERVAL_SECONDS),
                clientIdPattern(section, "device-pattern", ClientIdPattern.DEVICE_PLACEHOLDERS, problems),
                clientIdPattern(section, "account-pattern", ClientIdPattern.ACCOUNT_PLACEHOLDERS, problems));
    }

    /**
     * A binding's owner may be cached for a principal TTL, and a used binding is marked used within an interval (the
     * batch may wait one more): a binding must outlive both, or a cached owner would outlive its row.
     */
    static void checkExpiry(final ClientIdSettings clientIds, final CacheSettings cache,
                            final List<String> problems) {
        final long least = cache.principalTtlSeconds() + 2 * clientIds.lastUsedIntervalSeconds();
        if (clientIds.expireUnusedAfterSeconds() > 0 && clientIds.expireUnusedAfterSeconds() < least) {
            problems.add("<client-ids>/<expire-unused-after-seconds>: " + clientIds.expireUnusedAfterSeconds() +
                    " s is less than <cache>/<principal-ttl-seconds> plus twice <last-used-interval-seconds> (" +
                    least + " s)");
        }
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
        retain.allow();
        shared.allow();
        return new RightsByKind(
                new MessageRights(retain.bool(ConfigElements.RETAIN_DEVICE), shared.bool(ConfigElements.SHARED_DEVICE)),
                new MessageRights(retain.bool(ConfigElements.RETAIN_USER), shared.bool(ConfigElements.SHARED_USER)),
                new MessageRights(retain.bool(ConfigElements.RETAIN_SERVICE),
                        shared.bool(ConfigElements.SHARED_SERVICE)));
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
        private final String key; // the path as ConfigElements names sections: "database", "permissions/retain"
        private final Element element;
        private final List<String> problems;
        private final Map<String, List<Element>> children = new LinkedHashMap<>();

        private Section(final String path, final String key, final Element element, final List<String> problems,
                        final Set<String> allowed) {
            this.path = path;
            this.key = key;
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

        /** Reports every child that is neither one of {@code names} nor a {@link ConfigElements} element here. */
        void allow(final String... names) {
            final Set<String> allowed = new HashSet<>(List.of(names));
            allowed.addAll(ConfigElements.namesIn(key));
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

        /** Every {@code <name>} child, for elements that may repeat, each with its position in its path. */
        List<Section> children(final String name) {
            final List<Element> found = this.children.getOrDefault(name, List.of());
            final List<Section> sections = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                sections.add(new Section(path(name) + (found.size() > 1 ? "[" + (i + 1) + "]" : "") + "/",
                        key.isEmpty() ? name : key + "/" + name, found.get(i), problems, null));
            }
            return sections;
        }

        Section child(final String name) {
            return new Section(path(name) + "/", key.isEmpty() ? name : key + "/" + name, single(name), problems,
                    null);
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

        boolean bool(final ConfigElements.BoolElement element) {
            return bool(element.name(), element.defaultValue());
        }

        int integer(final ConfigElements.IntElement element) {
            return integer(element.name(), element.defaultValue(), element.min(), element.max());
        }

        String choice(final ConfigElements.ChoiceElement element) {
            final Optional<String> value = text(element.name());
            if (value.isEmpty()) {
                return element.defaultValue();
            }
            if (!element.choices().contains(value.get())) {
                problems.add(path(element.name()) + ": '" + value.get() + "' is not one of " +
                        String.join(", ", element.choices()));
                return element.defaultValue();
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
