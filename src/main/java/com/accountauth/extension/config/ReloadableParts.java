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
 * Which parts of a reloaded config.xml are taken over while the broker runs: the topic templates with the retained
 * and shared rights ({@code <permissions>}) and the server-side subscriptions ({@code <auto-subscribe>}), which only
 * decide what a grant holds. Everything else is built into running parts (the pool, the workers, the caches, the
 * throttle, the feed's schedule) and keeps its value until a restart.
 */
public final class ReloadableParts {

    /** Components of the settings records that follow from another element, not elements of their own. */
    private static final Set<String> DERIVED = Set.of("deviceByMacReadsClientIdOwner",
            "accountByEmailReadsClientIdOwner");

    /** Names in nested records of values that are another section's element. */
    private static final Map<String, String> COPIES = Map.of("bcrypt-cost", "dummy-bcrypt-cost");

    private ReloadableParts() {
    }

    /** True when {@code loaded} grants differently from {@code running}. */
    public static boolean differ(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        return !running.permissions().equals(loaded.permissions())
                || !running.autoSubscribe().equals(loaded.autoSubscribe());
    }

    /** The running config with the reloadable parts of {@code loaded}. */
    public static AccountAuthConfig adopt(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        return new AccountAuthConfig(running.database(), running.authentication(), running.queries(),
                loaded.permissions(), loaded.autoSubscribe(), running.liveChanges(), running.clientIds(),
                running.cache(), running.throttling(), running.passwords(), running.reload(), running.audit(),
                running.certificateLogins());
    }

    /**
     * The elements that differ between the two but are not reloadable, as {@code <section>/<element>}; never their
     * values (one is the DB password).
     */
    public static List<String> needingRestart(final AccountAuthConfig running, final AccountAuthConfig loaded) {
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> leaves = new LinkedHashSet<>();
        for (final RecordComponent section : AccountAuthConfig.class.getRecordComponents()) {
            if (section.getName().equals("permissions") || section.getName().equals("autoSubscribe")) {
                continue;
            }
            final Object before = value(section, running);
            final Object after = value(section, loaded);
            if (!Objects.equals(before, after)) {
                differences("<" + kebab(section.getName()) + ">", before, after, names, leaves);
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
                final String leaf = kebab(component.getName());
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
