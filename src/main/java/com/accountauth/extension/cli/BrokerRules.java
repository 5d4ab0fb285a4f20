package com.accountauth.extension.cli;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TopicGrant;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HiveMQ's own check of a connection's default permissions, restated without SDK types so that the CLI runs without
 * the broker: {@code DefaultPermissionsEvaluator} and {@code PermissionTopicMatcherUtils} of HiveMQ CE 2025.5, fed the
 * permissions that {@code BrokerPermissions.of} builds from the same {@link Permissions} (one ALLOW per grant, any
 * QoS, retain and shared only with the right, default DENY). Its quirks are the broker's and kept on purpose: trailing
 * '/' are stripped from both sides before comparing a permission without wildcards; a '+' in a permission admits any
 * level of a subscription, '#' included; a {@code $share/<group>/} prefix is judged by the filter after it. A test
 * compares it with the broker's evaluator on the test class path.
 */
final class BrokerRules {

    /** The broker's pattern: the group is everything up to the next '/'. */
    private static final Pattern SHARED = Pattern.compile("\\$share(/(.*?)/(.*))");

    private BrokerRules() {
    }

    /** The grant through which the broker admits a PUBLISH (or Will) to {@code topic}; empty when it refuses it. */
    static Optional<TopicGrant> admittingPublish(final Permissions permissions, final String topic,
                                                 final boolean retain) {
        if (retain && !permissions.rights().retain()) {
            return Optional.empty(); // every permission is NOT_RETAINED then
        }
        final String[] split = split(topic);
        final String stripped = topic.length() > 1 ? stripTrailingSlashes(topic) : topic;
        for (final TopicGrant grant : permissions.topicGrants()) {
            if (grant.publish() && implied(grant.filter().toString(), stripped, split)) {
                return Optional.of(grant);
            }
        }
        return Optional.empty();
    }

    /** The grant through which the broker admits a SUBSCRIBE to {@code filter}; empty when it refuses it. */
    static Optional<TopicGrant> admittingSubscribe(final Permissions permissions, final String filter) {
        String topic = filter;
        boolean shared = false;
        if (filter.startsWith("$share/")) {
            final Matcher matcher = SHARED.matcher(filter);
            if (matcher.matches()) {
                shared = true;
                topic = matcher.group(3);
            }
        }
        if (shared && !permissions.rights().sharedSubscriptions()) {
            return Optional.empty(); // every permission is NOT_SHARED then
        }
        final String[] split = split(topic);
        final String stripped = topic.length() > 1 ? stripTrailingSlashes(topic) : topic;
        for (final TopicGrant grant : permissions.topicGrants()) {
            if (grant.subscribe() && implied(grant.filter().toString(), stripped, split)) {
                return Optional.of(grant);
            }
        }
        return Optional.empty();
    }

    /** {@code $share/<group>/<filter>}: the filter; otherwise the text as given. */
    static String unshared(final String filter) {
        final Matcher matcher = SHARED.matcher(filter);
        return filter.startsWith("$share/") && matcher.matches() ? matcher.group(3) : filter;
    }

    /** PermissionTopicMatcherUtils.matches, with the permission's parts as TopicPermissionImpl derives them. */
    private static boolean implied(final String permissionFilter, final String stripped, final String[] split) {
        final String permission = stripTrailingSlashes(permissionFilter);
        if (permission.indexOf('#') < 0 && permission.indexOf('+') < 0) {
            return permission.equals(stripped);
        }
        final String[] permissionSplit = split(permission);
        final boolean endsWithWildcard = permission.endsWith("/#");
        // a '#' anywhere but at the end (or alone) never matches
        if (permission.contains("#") && !endsWithWildcard && permission.length() > 1) {
            return false;
        }
        final int common = Math.min(permissionSplit.length, split.length);
        for (int i = 0; i < common; i++) {
            final String level = permissionSplit[i];
            if (!level.equals(split[i])) {
                if (level.equals("#")) {
                    return true;
                }
                if (!level.equals("+")) {
                    return false;
                }
            }
        }
        return permissionSplit.length == split.length || permissionSplit.length - split.length == 1
                && permissionSplit[permissionSplit.length - 1].equals("#");
    }

    /** Commons Lang's splitPreserveAllTokens(text, "/"): empty levels kept, and no level at all for "". */
    private static String[] split(final String text) {
        return text.isEmpty() ? new String[0] : text.split("/", -1);
    }

    /** Commons Lang's stripEnd(text, "/"): every trailing '/'. */
    private static String stripTrailingSlashes(final String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        return text.substring(0, end);
    }
}
