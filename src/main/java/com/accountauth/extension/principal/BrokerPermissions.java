package com.accountauth.extension.principal;

import com.accountauth.extension.acl.MessageRights;
import com.accountauth.extension.acl.TopicGrant;
import com.accountauth.extension.util.LogSafe;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A connection's permissions in the broker's own form, its default permissions. HiveMQ checks those inline on the
 * connection's thread for every PUBLISH, Will and SUBSCRIBE; an authorizer would cost a task hand-off per message.
 * The list is swapped live when the DB changes: new entries are added before old ones are removed, so a message in
 * between is judged by both and never by an empty list (which, with DENY as default, would refuse it).
 */
public final class BrokerPermissions {

    private static final Logger log = LoggerFactory.getLogger(BrokerPermissions.class);

    private BrokerPermissions() {
    }

    /**
     * One ALLOW permission per grant, any QoS; retained publishes (and Wills) and shared subscriptions only with the
     * right. HiveMQ skips a permission whose retain or shared setting does not fit the message or subscription, and
     * then denies it (DENY is the default), so no other permission needs to say no.
     */
    public static List<TopicPermission> of(final List<TopicGrant> grants, final MessageRights rights) {
        final TopicPermission.Retain retain = rights.retain() ?
                TopicPermission.Retain.ALL : TopicPermission.Retain.NOT_RETAINED;
        final TopicPermission.SharedSubscription shared = rights.sharedSubscriptions() ?
                TopicPermission.SharedSubscription.ALL : TopicPermission.SharedSubscription.NOT_SHARED;
        final List<TopicPermission> permissions = new ArrayList<>(grants.size());
        for (final TopicGrant grant : grants) {
            final TopicPermission.MqttActivity activity = grant.publish() && grant.subscribe() ?
                    TopicPermission.MqttActivity.ALL : grant.publish() ?
                    TopicPermission.MqttActivity.PUBLISH : TopicPermission.MqttActivity.SUBSCRIBE;
            try {
                permissions.add(Builders.topicPermission().topicFilter(grant.filter().toString())
                        .activity(activity).type(TopicPermission.PermissionType.ALLOW).retain(retain)
                        .sharedSubscription(shared).build());
            } catch (final IllegalArgumentException e) {
                // e.g. longer than the broker's topic limit: left out, so its topics stay denied
                log.warn("account-auth: permission {} left out, the broker refuses it: {}",
                        LogSafe.of(grant.filter().toString()), e.getMessage());
            }
        }
        return List.copyOf(permissions);
    }

    /** Starts a connection with nothing allowed; anything not listed later stays denied. */
    public static void denyAll(final ModifiableDefaultPermissions target) {
        target.clear();
        target.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    }

    /** Shows a new connection's plan: it must hold nothing yet (see {@link #denyAll}). */
    public static void show(final ModifiableDefaultPermissions target, final AccessPlan plan) {
        replace(target, List.of(), plan.topicPermissions());
    }

    /**
     * Replaces what this connection shows now ({@code previous}, as its plan says) by {@code next}; callers serialise
     * per connection. What goes is read from the connection's own list, not from {@code previous}: the broker's
     * permission objects compare by identity, so an entry the plan does not hold (any way it got there) would
     * otherwise stay allowed for as long as the connection lasts.
     */
    public static void replace(final ModifiableDefaultPermissions target, final List<TopicPermission> previous,
                        final List<TopicPermission> next) {
        if (previous == next) {
            return;
        }
        final List<TopicPermission> shown = target.asList();
        if (shown.isEmpty()) {
            if (!next.isEmpty()) {
                target.addAll(next); // a new connection: the common case, without the sets below
            }
            return;
        }
        final Set<TopicPermission> before = identitySet(shown);
        final Set<TopicPermission> after = identitySet(next);
        final List<TopicPermission> added = new ArrayList<>();
        for (final TopicPermission permission : next) {
            if (!before.contains(permission)) {
                added.add(permission);
            }
        }
        if (!added.isEmpty()) {
            target.addAll(added);
        }
        for (final TopicPermission permission : shown) {
            if (!after.contains(permission)) {
                target.remove(permission);
            }
        }
    }

    private static Set<TopicPermission> identitySet(final List<TopicPermission> permissions) {
        final Set<TopicPermission> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(permissions);
        return set;
    }
}
