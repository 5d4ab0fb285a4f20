package com.accountauth.extension.principal;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TopicFilter;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;

/**
 * What a principal may do and what is done for it: its permissions, the filters its session is subscribed to
 * server-side, and (for users) the ids of the devices paired to it, so a change of a device finds its users.
 * Immutable; the broker's form of the permissions is built once per plan and shared by every connection using it.
 */
public final class AccessPlan {

    /** No paired devices (devices, services). */
    public static final long[] NO_DEVICES = new long[0];

    /** Nothing allowed, nothing subscribed. */
    public static final AccessPlan NONE = new AccessPlan(Permissions.NONE, List.of(), NO_DEVICES);

    private final Permissions permissions;
    private final List<TopicFilter> autoSubscriptions;
    // sorted, no duplicates; an array of longs rather than a set of Longs, for heap per connected user
    private final long[] pairedDeviceIds;
    private volatile List<TopicPermission> topicPermissions;

    public AccessPlan(final Permissions permissions, final List<TopicFilter> autoSubscriptions,
                      final long[] pairedDeviceIds) {
        this.permissions = permissions;
        // a user's auto-subscriptions are usually exactly its subscribe permissions: one list for both then
        this.autoSubscriptions = autoSubscriptions.equals(permissions.subscribe()) ?
                permissions.subscribe() : List.copyOf(autoSubscriptions);
        final long[] ids = LongStream.of(pairedDeviceIds).sorted().distinct().toArray();
        this.pairedDeviceIds = ids.length == 0 ? NO_DEVICES : ids;
    }

    public Permissions permissions() {
        return permissions;
    }

    public List<TopicFilter> autoSubscriptions() {
        return autoSubscriptions;
    }

    /** True when one of these devices is paired to the principal: a change of it changes this plan. */
    public boolean pairsAnyOf(final Set<Long> deviceIds) {
        for (final long id : pairedDeviceIds) {
            if (deviceIds.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** True when one of the paired devices passes the test. */
    public boolean anyPairedDevice(final LongPredicate test) {
        for (final long id : pairedDeviceIds) {
            if (test.test(id)) {
                return true;
            }
        }
        return false;
    }

    /** The permissions as the broker checks them; needs the broker's builders, so it is made on first use. */
    public List<TopicPermission> topicPermissions() {
        List<TopicPermission> built = topicPermissions;
        if (built == null) {
            // built once: the broker's permission objects compare by identity, and a connection that showed one
            // build while the plan kept another could never have them removed (two CONNECTs of one plan at once)
            synchronized (this) {
                built = topicPermissions;
                if (built == null) {
                    built = BrokerPermissions.of(permissions.topicGrants(), permissions.rights());
                    topicPermissions = built;
                }
            }
        }
        return built;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof AccessPlan other && other.permissions.equals(permissions)
                && other.autoSubscriptions.equals(autoSubscriptions)
                && Arrays.equals(other.pairedDeviceIds, pairedDeviceIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(permissions, autoSubscriptions, Arrays.hashCode(pairedDeviceIds));
    }

    @Override
    public String toString() {
        return "AccessPlan[" + permissions + ", auto-subscriptions " + autoSubscriptions + ", paired devices " +
                Arrays.toString(pairedDeviceIds) + "]";
    }
}
