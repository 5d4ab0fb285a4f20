package com.accountauth.extension.acl;

import java.util.Optional;

/**
 * A validated MQTT topic filter (or topic name), with the two questions permissions ask:
 * does it match a topic name, and does it cover every topic another filter can match.
 */
public final class TopicFilter {

    private static final int MAX_LENGTH = 65_535;

    // only the text is kept (one per permission of every connected principal): levels are walked in place
    private final String text;
    private final boolean wildcard;

    private TopicFilter(final String text, final boolean wildcard) {
        this.text = text;
        this.wildcard = wildcard;
    }

    /** Parses a topic filter; empty when it breaks MQTT's rules (misplaced wildcards, NUL, empty, too long). */
    public static Optional<TopicFilter> parse(final String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH || text.indexOf('\u0000') >= 0) {
            return Optional.empty();
        }
        final String[] levels = text.split("/", -1);
        boolean wildcard = false;
        for (int i = 0; i < levels.length; i++) {
            final String level = levels[i];
            if (level.equals("#")) {
                if (i != levels.length - 1) {
                    return Optional.empty();
                }
                wildcard = true;
            } else if (level.equals("+")) {
                wildcard = true;
            } else if (level.indexOf('#') >= 0 || level.indexOf('+') >= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new TopicFilter(text, wildcard));
    }

    /** True when this filter holds no wildcard, i.e. it is a topic name a client may publish to. */
    public boolean isTopicName() {
        return !wildcard;
    }

    /** True when the topic name {@code topic} is matched by this filter, with MQTT's rule for '$' topics. */
    public boolean matches(final TopicFilter topic) {
        return topic.isTopicName() && matchesTopicName(topic.text);
    }

    /**
     * True when this filter matches the topic name, with MQTT's rule for '$' topics. Walks the string in place:
     * it runs for every PUBLISH and every outgoing message, so it allocates nothing.
     */
    public boolean matchesTopicName(final String topic) {
        if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return false;
        }
        final boolean dollar = topic.charAt(0) == '$';
        int filterPosition = 0;
        int topicPosition = 0;
        boolean topicHasMore = true;
        for (int level = 0; ; level++) {
            int filterEnd = text.indexOf('/', filterPosition);
            final boolean filterLast = filterEnd < 0;
            if (filterLast) {
                filterEnd = text.length();
            }
            final int length = filterEnd - filterPosition;
            if (length == 1 && text.charAt(filterPosition) == '#') {
                return !(level == 0 && dollar); // '#' also matches the parent level
            }
            if (!topicHasMore) {
                return false;
            }
            int topicEnd = topic.indexOf('/', topicPosition);
            final boolean topicLast = topicEnd < 0;
            if (topicLast) {
                topicEnd = topic.length();
            }
            if (length == 1 && text.charAt(filterPosition) == '+') {
                if (level == 0 && dollar) {
                    return false;
                }
            } else if (length != topicEnd - topicPosition
                    || !topic.regionMatches(topicPosition, text, filterPosition, length)) {
                return false;
            }
            if (topicLast) {
                topicHasMore = false;
            } else {
                topicPosition = topicEnd + 1;
            }
            if (filterLast) {
                return !topicHasMore;
            }
            filterPosition = filterEnd + 1;
        }
    }

    /**
     * True when every topic that {@code other} can match is also matched by this filter. A wildcard in
     * {@code other} is only covered by a wildcard at least as wide here: '+' covers '+', '#' covers everything below
     * it, and a '+' here never admits a '#' there.
     */
    public boolean covers(final TopicFilter other) {
        final String[] mine = text.split("/", -1);
        final String[] theirs = other.text.split("/", -1);
        // MQTT 4.7.2: wildcards at the first level do not match topics that start with '$'
        if (theirs[0].startsWith("$") && (mine[0].equals("+") || mine[0].equals("#"))) {
            return false;
        }
        int i = 0;
        for (; i < mine.length; i++) {
            final String level = mine[i];
            if (level.equals("#")) {
                return true; // covers the parent level and everything below it
            }
            if (i >= theirs.length) {
                return false;
            }
            final String their = theirs[i];
            if (their.equals("#")) {
                return false;
            }
            if (level.equals("+")) {
                continue; // '+' covers one level, whether a literal or '+'
            }
            if (their.equals("+") || !level.equals(their)) {
                return false;
            }
        }
        return i == theirs.length;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof TopicFilter other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
