package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TopicFilter;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a principal may do and what is done for it: its permissions, the filters its session is subscribed to
 * server-side, and (for users) the ids of the devices paired to it, so a change of a device finds its users.
 * Immutable; the broker's form of the permissions is built once per plan and shared by every connection using it.
 */
public final class AccessPlan {

    /** Nothing allowed, nothing subscribed. */
    public static final AccessPlan NONE = new AccessPlan(Permissions.NONE, List.of(), Set.of());

    private final Permissions permissions;
    private final List<TopicFilter> autoSubscriptions;
    private final Set<Long> pairedDeviceIds;
    private volatile List<TopicPermission> topicPermissions;

    public AccessPlan(final Permissions permissions, final List<TopicFilter> autoSubscriptions,
                      final Set<Long> pairedDeviceIds) {
        this.permissions = permissions;
        this.autoSubscriptions = List.copyOf(autoSubscriptions);
        this.pairedDeviceIds = Set.copyOf(pairedDeviceIds);
    }

    public Permissions permissions() {
        return permissions;
    }

    public List<TopicFilter> autoSubscriptions() {
        return autoSubscriptions;
    }

    public Set<Long> pairedDeviceIds() {
        return pairedDeviceIds;
    }

    /** The permissions as the broker checks them; needs the broker's builders, so it is made on first use. */
    List<TopicPermission> topicPermissions() {
        List<TopicPermission> built = topicPermissions;
        if (built == null) {
            // two threads may both build it: equal lists, and either may win
            built = BrokerPermissions.of(permissions.topicGrants());
            topicPermissions = built;
        }
        return built;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof AccessPlan other && other.permissions.equals(permissions)
                && other.autoSubscriptions.equals(autoSubscriptions) && other.pairedDeviceIds.equals(pairedDeviceIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(permissions, autoSubscriptions, pairedDeviceIds);
    }

    @Override
    public String toString() {
        return "AccessPlan[" + permissions + ", auto-subscriptions " + autoSubscriptions + ", paired devices " +
                pairedDeviceIds + "]";
    }
}
