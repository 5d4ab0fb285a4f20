package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TopicFilter;

import java.util.List;
import java.util.Set;

/**
 * What a principal may do and what is done for it: its permissions, the filters its session is subscribed to
 * server-side, and (for users) the ids of the devices paired to it, so a change of a device finds its users.
 */
public record AccessPlan(Permissions permissions, List<TopicFilter> autoSubscriptions, Set<Long> pairedDeviceIds) {

    /** Nothing allowed, nothing subscribed. */
    public static final AccessPlan NONE = new AccessPlan(Permissions.NONE, List.of(), Set.of());

    public AccessPlan {
        autoSubscriptions = List.copyOf(autoSubscriptions);
        pairedDeviceIds = Set.copyOf(pairedDeviceIds);
    }
}
