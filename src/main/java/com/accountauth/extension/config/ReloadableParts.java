package com.accountauth.extension.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which parts of a reloaded config.xml are taken over while the broker runs (docs/RELOAD.md): what decides a grant
 * ({@code <permissions>}, {@code <auto-subscribe>}), what a CONNECT reads once when it is decided
 * ({@code <throttling>}, {@code <passwords>} with the bcrypt bound and cost of {@code <authentication>}, the client id's
 * {@code <max-length>} and patterns), the caches' lifetimes and sizes ({@code <cache>}) and the audit format. Each is
 * one reference in its running part, swapped whole. The rest is built into running parts whose swap would be unsafe
 * or large (the pool, the workers and the timeouts the change horizon is made of, the feed's schedule, the client-id
 * upkeep and the binding rules that only the DB can check for a connected client) and keeps its value until a restart.
 */
public final class ReloadableParts {

    /** Components of the settings records that follow from another element, not elements of their own. */
    private static final Set<String> DERIVED = Set.of("deviceByMacReadsClientIdOwner",
            "accountByEmailReadsClientIdOwner");

    /** Names in nested records of values that are another section's element. */
    private static final Map<String, String> COPIES = Map.of("bcrypt-cost", "dummy-bcrypt-cost");

    /** Record components whose element is spelt otherwise in config.xml. */
    private static final Map<String, String> SPELLING = Map.of("jsonLines", "format");

    /** Whole sections a reload takes over. */
    private static final Set<String> RELOADABLE_SECTIONS = Set.of("<permissions>", "<auto-subscribe>",
            "<throttling>", "<cache>", "<passwords>", "<audit>");

    /** Single elements a reload takes over in sections that otherwise need a restart. */
    private static final Set<String> RELOADABLE_ELEMENTS = Set.of("<authentication>/<max-bcrypt-cost>",
            "<authentication>/<dummy-bcrypt-cost>", "<client-ids>/<max-length>", "<client-ids>/<device-pattern>",
            "<client-ids>/<account-pattern>");

    /** Sections whose change concerns no connected client (only CONNECTs and log lines to come): no resync. */
    private static final Set<String> NO_RESYNC_SECTIONS = Set.of("<throttling>", "<audit>");

    private ReloadableParts() {
    }

    /** True when {@code loaded} differs from {@code running} in anything a reload takes over. */
    public static boolean differ(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        return !reloaded(running, loaded).isEmpty();
    }

    /** The reloadable elements that differ, as {@code <section>/<element>} (never their values). */
    public static List<String> reloaded(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        return changed(running, loaded).stream().filter(ReloadableParts::reloadable).toList();
    }

    /**
     * True when taking over these elements must be followed by a resync: they decide a grant, or a connected client
     * may have been admitted by what they now refuse (a pattern, a hash format or cost), or they tell how long a
     * cached fact is trusted. A throttle or audit change concerns only CONNECTs and lines still to come.
     */
    public static boolean needsResync(final List<String> reloaded) {
        return reloaded.stream().anyMatch(name -> !NO_RESYNC_SECTIONS.contains(section(name)));
    }

    /** The running config with the reloadable parts of {@code loaded}. */
    public static AccountAuthConfig adopt(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        final AuthenticationSettings was = running.authentication();
        final AuthenticationSettings now = loaded.authentication();
        final AuthenticationSettings authentication = new AuthenticationSettings(was.timeoutMillis(),
                was.workerThreads(), was.passwordCheckThreads(), was.queueSize(), now.maxBcryptCost(),
                now.dummyBcryptCost());
        final ClientIdSettings ids = running.clientIds();
        final ClientIdSettings newIds = loaded.clientIds();
        final ClientIdSettings clientIds = new ClientIdSettings(ids.bindToPrincipal(), ids.reserveDeviceIds(),
                newIds.maxLength(), ids.expireUnusedAfterSeconds(), ids.lastUsedIntervalSeconds(),
                newIds.devicePattern(), newIds.accountPattern());
        return new AccountAuthConfig(running.database(), authentication, running.queries(),
                loaded.permissions(), loaded.autoSubscribe(), running.liveChanges(), clientIds,
                loaded.cache(), loaded.throttling(), loaded.passwords(), running.reload(), loaded.audit(),
                running.certificateLogins());
    }

    /**
     * What the start would say against an adopted config: the rules between elements, for a reloaded element that
     * meets one kept at its running value (a longer {@code <principal-ttl-seconds>} against the running
     * {@code <expire-unused-after-seconds>}). Empty when it holds together.
     */
    public static List<String> conflicts(final AccountAuthConfig adopted) {
        final List<String> problems = new ArrayList<>();
        ConfigLoader.checkExpiry(adopted.clientIds(), adopted.cache(), problems);
        return problems.stream().map(problem -> problem + " (the running value of what needs a restart)").toList();
    }

    /**
     * The elements that differ between the two but are not reloadable, as {@code <section>/<element>}; never their
     * values (one is the DB password).
     */
    public static List<String> needingRestart(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        return changed(running, loaded).stream().filter(name -> !reloadable(name)).toList();
    }

    private static boolean reloadable(final String name) {
        return RELOADABLE_SECTIONS.contains(section(name)) || RELOADABLE_ELEMENTS.contains(name);
    }

    private static String section(final String name) {
        final int slash = name.indexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }

    /** Every element that differs, as {@code <section>/<element>}; the templates as their section. */
    private static List<String> changed(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> leaves = new LinkedHashSet<>();
        for (final RecordComponent section : AccountAuthConfig.class.getRecordComponents()) {
            final Object before = value(section, running);
            final Object after = value(section, loaded);
            if (Objects.equals(before, after)) {
                continue;
            }
            final String name = "<" + kebab(section.getName()) + ">";
            if (section.getName().equals("permissions") || section.getName().equals("autoSubscribe")) {
                names.add(name);
            } else {
                differences(name, before, after, names, leaves);
            }
        }
        return new ArrayList<>(names);
    }

    /** Names the elements of a section (a settings record) that differ, one level of nested records deep. */
    private static void differences(final String section, final Object before, final Object after,
                                    final Set<String> names, final Set<String> leaves) {
        if (before == null || after == null || !before.getClass().isRecord()) {
            names.add(section);
            return;
        }
        for (final RecordComponent component : before.getClass().getRecordComponents()) {
            final Object a = value(component, before);
            final Object b = value(component, after);
            if (DERIVED.contains(component.getName()) || Objects.equals(a, b)) {
                continue;
            }
            if (a instanceof Map<?, ?> first && b instanceof Map<?, ?> second) {
                // <passwords>: <device>, <user>, <service>, each with its <formats> and <target>
                final Set<Object> keys = new TreeSet<>(first.keySet());
                keys.addAll(second.keySet());
                for (final Object key : keys) {
                    final String kind = section + "/<" + key.toString().toLowerCase(Locale.ROOT) + ">";
                    final Object x = first.get(key);
                    final Object y = second.get(key);
                    if (x == null || y == null || !x.getClass().isRecord()) {
                        names.add(section + "/<" + key.toString().toLowerCase(Locale.ROOT) + ">");
                        continue;
                    }
                    for (final RecordComponent part : x.getClass().getRecordComponents()) {
                        final Object p = value(part, x);
                        final Object q = value(part, y);
                        if (Objects.equals(p, q)) {
                            continue;
                        }
                        if (p != null && q != null && p.getClass().isRecord()) {
                            // a target: its format is the kind's <target>, its costs the section's own elements
                            leavesThatDiffer(p, q).forEach(leaf -> {
                                if (leaf.equals("format")) {
                                    names.add(kind + "/<target>");
                                } else {
                                    addNested(section, leaf, names, leaves);
                                }
                            });
                        } else {
                            names.add(kind + "/<" + kebab(part.getName()) + ">");
                        }
                    }
                }
            } else if (a != null && b != null && a.getClass().isRecord()) {
                // e.g. the cost bounds of <passwords>, each an element of its own
                leavesThatDiffer(a, b).forEach(leaf -> addNested(section, leaf, names, leaves));
            } else {
                final String leaf = SPELLING.getOrDefault(component.getName(), kebab(component.getName()));
                names.add(section + "/<" + leaf + ">");
                leaves.add(leaf);
            }
        }
    }

    private static List<String> leavesThatDiffer(final Object a, final Object b) {
        final List<String> differing = new ArrayList<>();
        for (final RecordComponent leaf : a.getClass().getRecordComponents()) {
            if (!Objects.equals(value(leaf, a), value(leaf, b))) {
                differing.add(kebab(leaf.getName()));
            }
        }
        return differing;
    }

    /**
     * A value of a nested record: some are copies of another section's element (the bcrypt bound and cost of
     * {@code <authentication>}), named there and not again.
     */
    private static void addNested(final String section, final String leaf, final Set<String> names,
                                  final Set<String> leaves) {
        if (leaves.add(COPIES.getOrDefault(leaf, leaf))) {
            names.add(section + "/<" + leaf + ">");
        }
    }

    private static Object value(final RecordComponent component, final Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (final IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + " of a config record", e);
        }
    }

    /** {@code liveChanges} as config.xml spells it: {@code live-changes}. */
    static String kebab(final String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
