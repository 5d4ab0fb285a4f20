package com.accountauth.extension.acl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PermissionsTest {

    private static TopicFilter f(final String text) {
        return TopicFilter.parse(text).orElseThrow();
    }

    private static Permissions of(final List<String> publish, final List<String> subscribe) {
        return new Permissions(publish.stream().map(PermissionsTest::f).toList(),
                subscribe.stream().map(PermissionsTest::f).toList());
    }

    @Test
    void topicGrantsLeaveOutWhatAWiderFilterAlreadyAllows() {
        final Permissions device = of(List.of("/v/m/+/U1", "/v/m/+/U1/#"), List.of("/v/m/+/U1", "/v/m/+/U1/#"));
        assertEquals(List.of(new TopicGrant(f("/v/m/+/U1/#"), true, true)), device.topicGrants());
    }

    @Test
    void topicGrantsKeepPublishAndSubscribeApartWhereTheyDiffer() {
        final Permissions user = of(List.of("/v/m/command/U1", "/v/m/command/U1/#"),
                List.of("/v/m/+/U1", "/v/m/+/U1/#", "/v/m/+/U2/#"));
        assertEquals(List.of(new TopicGrant(f("/v/m/command/U1/#"), true, false),
                new TopicGrant(f("/v/m/+/U1/#"), false, true),
                new TopicGrant(f("/v/m/+/U2/#"), false, true)), user.topicGrants());
    }

    @Test
    void topicGrantsKeepOneOfEqualFiltersAndNothingForNoPermissions() {
        assertEquals(List.of(new TopicGrant(f("/a/b"), true, false)), of(List.of("/a/b", "/a/b"), List.of())
                .topicGrants());
        assertEquals(List.of(), Permissions.NONE.topicGrants());
    }

    @Test
    void topicGrantsAllowExactlyWhatThePermissionsAllow() {
        final Permissions permissions = of(List.of("/a/+/c", "/a/b/c", "/x/#", "/x/y"),
                List.of("/a/+", "/a/b", "/s/#", "/s/+/t"));
        final List<TopicGrant> grants = permissions.topicGrants();
        for (final String topic : List.of("/a/b/c", "/a/z/c", "/x", "/x/y", "/x/y/z", "/a/b", "/s", "/s/q/t",
                "/q", "/a/b/c/d", "/a")) {
            assertEquals(permissions.allowsPublish(topic),
                    grants.stream().anyMatch(g -> g.publish() && g.filter().matchesTopicName(topic)), topic);
            assertEquals(permissions.allowsReceive(topic),
                    grants.stream().anyMatch(g -> g.subscribe() && g.filter().matchesTopicName(topic)), topic);
        }
    }

    @Test
    void losingASubscriptionIsNoticedAndGainingOneIsNot() {
        final Permissions before = of(List.of(), List.of("/v/m/+/U1/#", "/v/m/+/U2/#"));
        final Permissions after = of(List.of(), List.of("/v/m/+/U1/#"));
        assertFalse(after.allowsEverySubscriptionOf(before));
        assertTrue(before.allowsEverySubscriptionOf(after));
        assertTrue(before.allowsEverySubscriptionOf(before));
        assertFalse(Permissions.NONE.allowsEverySubscriptionOf(after));
    }
}
