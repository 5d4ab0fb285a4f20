package com.accountauth.extension.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one principal may publish to and subscribe to, and whether it may retain messages and share subscriptions
 * there. Anything not covered is denied, including everything when both lists are empty. A filter covered by another
 * of the same list is left out at construction.
 */
public record Permissions(List<TopicFilter> publish, List<TopicFilter> subscribe, MessageRights rights) {

    /** Nothing allowed. */
    public static final Permissions NONE = new Permissions(List.of(), List.of());

    private static final String SHARE_PREFIX = "$share/";

    /** Without retained messages or shared subscriptions. */
    public Permissions(final List<TopicFilter> publish, final List<TopicFilter> subscribe) {
        this(publish, subscribe, MessageRights.NONE);
    }

    public Permissions {
        // a filter that another one covers adds nothing: leaving it out saves heap for every connected client
        publish = List.copyOf(withoutCovered(publish));
        subscribe = sharing(List.copyOf(withoutCovered(subscribe)), publish);
        if (subscribe.equals(publish)) {
            subscribe = publish; // a device's two lists are usually the same: one list for both
        }
    }

    /** {@code filters}, each replaced by an equal instance of {@code from} where there is one: less heap per client. */
    static List<TopicFilter> sharing(final List<TopicFilter> filters, final List<TopicFilter> from) {
        return filters.stream().map(filter -> {
            final int index = from.indexOf(filter);
            return index >= 0 ? from.get(index) : filter;
        }).toList();
    }

    /**
     * The same permissions as one list the broker checks every PUBLISH and SUBSCRIBE against: a filter in both lists
     * appears once, allowing both.
     */
    public List<TopicGrant> topicGrants() {
        final List<TopicGrant> grants = new ArrayList<>(publish.size() + subscribe.size());
        for (final TopicFilter filter : publish) {
            grants.add(new TopicGrant(filter, true, subscribe.contains(filter)));
        }
        for (final TopicFilter filter : subscribe) {
            if (!publish.contains(filter)) {
                grants.add(new TopicGrant(filter, false, true));
            }
        }
        return List.copyOf(grants);
    }

    /** The filters without those another of them covers; of equal ones the first. */
    static List<TopicFilter> withoutCovered(final List<TopicFilter> filters) {
        final List<TopicFilter> kept = new ArrayList<>(filters.size());
        for (int i = 0; i < filters.size(); i++) {
            final TopicFilter candidate = filters.get(i);
            boolean covered = false;
            for (int j = 0; j < filters.size() && !covered; j++) {
                final TopicFilter other = filters.get(j);
                // of two equal filters the first is kept
                covered = j != i && other.covers(candidate) && (!candidate.covers(other) || j < i);
            }
            if (!covered) {
                kept.add(candidate);
            }
        }
        return kept;
    }

    /** True when the client may publish to the topic name (also for Will messages; retained ones need the right). */
    public boolean allowsPublish(final String topicName) {
        return anyMatches(publish, topicName);
    }

    /** True when a message on this topic may be delivered to the client: a subscribe permission matches it. */
    public boolean allowsReceive(final String topicName) {
        return anyMatches(subscribe, topicName);
    }

    /** True when every subscription {@code other} allows is allowed here too: nothing was taken away. */
    public boolean allowsEverySubscriptionOf(final Permissions other) {
        for (final TopicFilter filter : other.subscribe) {
            if (!allowsSubscribe(filter.toString())) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatches(final List<TopicFilter> filters, final String topicName) {
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i).matchesTopicName(topicName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when every topic the subscription can match is allowed. A shared subscription
     * ({@code $share/<group>/<filter>}) needs the right to share, and is judged by its filter.
     */
    public boolean allowsSubscribe(final String subscriptionFilter) {
        String filterText = subscriptionFilter;
        if (filterText.startsWith(SHARE_PREFIX)) {
            if (!rights.sharedSubscriptions()) {
                return false;
            }
            final int groupEnd = filterText.indexOf('/', SHARE_PREFIX.length());
            if (groupEnd < 0 || groupEnd == SHARE_PREFIX.length()) {
                return false;
            }
            filterText = filterText.substring(groupEnd + 1);
        }
        final Optional<TopicFilter> requested = TopicFilter.parse(filterText);
        if (requested.isEmpty()) {
            return false;
        }
        for (final TopicFilter filter : subscribe) {
            if (filter.covers(requested.get())) {
                return true;
            }
        }
        return false;
    }
}
