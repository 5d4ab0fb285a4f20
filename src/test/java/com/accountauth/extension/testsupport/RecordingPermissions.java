package com.accountauth.extension.testsupport;

import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Like HiveMQ's: an immutable list swapped on every change, entries compared by identity; records each state. */
public final class RecordingPermissions implements ModifiableDefaultPermissions {
    public List<TopicPermission> current = List.of();
    public final List<List<TopicPermission>> states = new ArrayList<>();
    public DefaultAuthorizationBehaviour behaviour = DefaultAuthorizationBehaviour.ALLOW;

    private void set(final List<TopicPermission> next) {
        current = List.copyOf(next);
        states.add(current);
    }

    @Override
    public List<TopicPermission> asList() {
        return current;
    }

    @Override
    public void add(final TopicPermission permission) {
        final List<TopicPermission> next = new ArrayList<>(current);
        next.add(permission);
        set(next);
    }

    @Override
    public void addAll(final Collection<? extends TopicPermission> permissions) {
        final List<TopicPermission> next = new ArrayList<>(current);
        next.addAll(permissions);
        set(next);
    }

    @Override
    public void remove(final TopicPermission permission) {
        final List<TopicPermission> next = new ArrayList<>();
        for (final TopicPermission p : current) {
            if (p != permission) {
                next.add(p);
            }
        }
        set(next);
    }

    @Override
    public DefaultAuthorizationBehaviour getDefaultBehaviour() {
        return behaviour;
    }

    @Override
    public void setDefaultBehaviour(final DefaultAuthorizationBehaviour defaultBehaviour) {
        behaviour = defaultBehaviour;
    }

    @Override
    public void clear() {
        set(List.of());
    }
}
