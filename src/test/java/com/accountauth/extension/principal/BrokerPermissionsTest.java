package com.accountauth.extension.principal;

import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.accountauth.extension.testsupport.RecordingPermissions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BrokerPermissionsTest {

    /** A permission object; only its identity matters here. */
    static TopicPermission permission(final String filter) {
        return (TopicPermission) java.lang.reflect.Proxy.newProxyInstance(TopicPermission.class.getClassLoader(),
                new Class<?>[]{TopicPermission.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getTopicFilter", "toString" -> filter;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aNewConnectionStartsDenyingEverything() {
        final RecordingPermissions target = new RecordingPermissions();
        target.add(permission("/left/over"));
        BrokerPermissions.denyAll(target);
        assertEquals(List.of(), target.asList());
        assertEquals(DefaultAuthorizationBehaviour.DENY, target.getDefaultBehaviour());
    }

    @Test
    void aChangeAddsBeforeItRemovesSoTheListIsNeverEmptyInBetween() {
        final TopicPermission kept = permission("/v/m/+/U1/#");
        final TopicPermission gone = permission("/v/m/+/U2/#");
        final TopicPermission added = permission("/v/m/+/U3/#");
        final RecordingPermissions target = new RecordingPermissions();
        BrokerPermissions.replace(target, List.of(), List.of(kept, gone));
        target.states.clear();

        BrokerPermissions.replace(target, List.of(kept, gone), List.of(kept, added));

        assertEquals(List.of(kept, added), target.asList());
        for (final List<TopicPermission> state : target.states) {
            assertFalse(state.isEmpty(), "a message in between would have been judged by an empty list");
        }
        // the first step already allows what the new plan allows, the last one no longer what it took away
        assertEquals(List.of(kept, gone, added), target.states.get(0));
    }

    @Test
    void losingEverythingEndsInAnEmptyListAndNothingChangedChangesNothing() {
        final TopicPermission only = permission("/v/m/+/U1/#");
        final List<TopicPermission> plan = List.of(only);
        final RecordingPermissions target = new RecordingPermissions();
        BrokerPermissions.replace(target, List.of(), plan);
        target.states.clear();

        BrokerPermissions.replace(target, plan, plan);
        assertEquals(List.of(), target.states);

        BrokerPermissions.replace(target, plan, List.of());
        assertEquals(List.of(), target.asList());
        assertEquals(1, target.states.size());
    }

    @Test
    void whatGoesIsReadFromTheConnectionNotFromThePlanItWasShown() {
        // two CONNECTs of one cached plan built its broker permissions at once: the connection shows one build,
        // the plan kept the other; equal filters, other objects (the broker compares them by identity)
        final List<TopicPermission> shownBuild = List.of(permission("/v/m/+/U1/#"), permission("/v/m/+/U10/#"));
        final List<TopicPermission> keptBuild = List.of(permission("/v/m/+/U1/#"), permission("/v/m/+/U10/#"));
        final RecordingPermissions target = new RecordingPermissions();
        BrokerPermissions.replace(target, List.of(), shownBuild);

        // U10 unpaired: the refresher replaces what the plan says the connection shows
        final List<TopicPermission> next = List.of(permission("/v/m/+/U1/#"));
        BrokerPermissions.replace(target, keptBuild, next);

        assertEquals(next, target.asList(), "the unpaired device's permission must not stay behind");
    }
}
