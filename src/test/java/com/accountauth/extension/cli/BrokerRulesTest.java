package com.accountauth.extension.cli;

import com.accountauth.extension.acl.MessageRights;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TopicFilter;
import com.accountauth.extension.acl.TopicGrant;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extensions.auth.parameter.TopicPermissionImpl;
import com.hivemq.extensions.packets.general.ModifiableDefaultPermissionsImpl;
import com.hivemq.mqtt.handler.publish.DefaultPermissionsEvaluator;
import com.hivemq.mqtt.message.QoS;
import com.hivemq.mqtt.message.subscribe.Topic;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BrokerRules} against HiveMQ CE's own evaluator (on the test class path), fed the permissions as
 * {@code BrokerPermissions.of} builds them: the CLI's {@code explain} must give exactly the broker's answer.
 */
class BrokerRulesTest {

    private static final List<String> PERMISSION_FILTERS = List.of(
            "/v/m/+/U", "/v/m/+/U/#", "/v/m/command/U", "/v/m/command/U/#", "/a/+", "/b/c/", "/d", "/e/+/f");

    private static final List<String> TOPICS = List.of(
            "/v/m/event/U", "/v/m/event/U/", "/v/m/event/U//", "/v/m/event/U/x", "/v/m/event/V", "/v/m/command/U",
            "/v/m/command/U/", "/v/m/command/U/x/y", "/v/m", "/v/m/", "/v/m/#", "/v/m/+", "/v/m/+/U", "/v/m/+/U/#",
            "/v/m/+/+", "/v/m/event/+", "/v/m/event/U/#", "/v/m/+/U/+", "/a", "/a/", "/a/x", "/a/#", "/a/+",
            "/a/x/y", "/b/c", "/b/c/", "/b/c//", "/b/c/d", "/c/x/d", "/c/#/d", "/d", "/d/", "d", "/", "//", "#", "+",
            "/#", "$SYS/x", "$share/g/v/m/event/U", "$share/g/v/m/+/U/#", "$share/g/#", "$share/g/", "$share//x",
            "$share/g", "$share/g/a/#", "$share/g//v/m/event/U", "$share/g//v/m/+/U/#", "$share/g//a/#",
            "$share/g//v/m/event/U/", "/e/x/f", "/e/#", "/e/+/#", "/v/m/event/u");

    private static final Method CHECK_PUBLISH;

    static {
        try {
            CHECK_PUBLISH = DefaultPermissionsEvaluator.class.getDeclaredMethod("checkPublish",
                    ModifiableDefaultPermissions.class, String.class, QoS.class, boolean.class);
            CHECK_PUBLISH.setAccessible(true);
        } catch (final NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void publishAndSubscribeAreJudgedExactlyAsHiveMqJudgesTheSamePermissions() throws Exception {
        int allowed = 0;
        int denied = 0;
        final List<String> differences = new ArrayList<>();
        for (final MessageRights rights : List.of(MessageRights.NONE, new MessageRights(true, true),
                new MessageRights(true, false), new MessageRights(false, true))) {
            // publish-only, subscribe-only and both: the grants' activities
            final Permissions permissions = new Permissions(filters(PERMISSION_FILTERS.subList(0, 6)),
                    filters(PERMISSION_FILTERS.subList(2, 8)), rights);
            final ModifiableDefaultPermissions broker = asBroker(permissions);
            for (final String topic : TOPICS) {
                for (final boolean retain : List.of(false, true)) {
                    final boolean expected = (boolean) CHECK_PUBLISH.invoke(null, broker, topic, QoS.AT_LEAST_ONCE,
                            retain);
                    if (BrokerRules.admittingPublish(permissions, topic, retain).isPresent() != expected) {
                        differences.add("publish " + topic + " retain " + retain + " " + rights);
                    }
                    if (expected) {
                        allowed++;
                    } else {
                        denied++;
                    }
                }
                final boolean expected = DefaultPermissionsEvaluator.checkSubscription(broker,
                        new Topic(topic, QoS.AT_LEAST_ONCE));
                if (BrokerRules.admittingSubscribe(permissions, topic).isPresent() != expected) {
                    differences.add("subscribe " + topic + " " + rights);
                }
                if (expected) {
                    allowed++;
                } else {
                    denied++;
                }
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(allowed > 50, "allowed " + allowed);
        assertTrue(denied > 50, "denied " + denied);
    }

    @Test
    void aPlusAtTheEndOfAPermissionAdmitsAHashAsTheBrokerDoes() {
        final Permissions permissions = new Permissions(List.of(), filters(List.of("/a/+")));
        assertTrue(BrokerRules.admittingSubscribe(permissions, "/a/#").isPresent());
        assertFalse(permissions.allowsSubscribe("/a/#"), "the extension's own subset rule refuses it");
    }

    @Test
    void theAdmittingGrantIsTheMatchingPermission() {
        final Permissions permissions = new Permissions(filters(List.of("/x", "/v/m/command/U/#")), List.of());
        assertEquals("/v/m/command/U/#",
                BrokerRules.admittingPublish(permissions, "/v/m/command/U/reboot", false).orElseThrow()
                        .filter().toString());
    }

    @Test
    void aSharedSubscriptionIsJudgedByItsFilterOnlyWithTheRightToShare() {
        final List<TopicFilter> subscribe = filters(List.of("/v/m/+/U/#"));
        // the group ends at the first '/': the filter of $share/g//v/... is /v/...
        assertFalse(BrokerRules.admittingSubscribe(new Permissions(List.of(), subscribe),
                "$share/g//v/m/event/U").isPresent());
        assertTrue(BrokerRules.admittingSubscribe(new Permissions(List.of(), subscribe,
                new MessageRights(false, true)), "$share/g//v/m/event/U").isPresent());
        assertFalse(BrokerRules.admittingSubscribe(new Permissions(List.of(), subscribe,
                new MessageRights(false, true)), "$share/g/v/m/event/U").isPresent());
    }

    private static List<TopicFilter> filters(final List<String> texts) {
        return texts.stream().map(text -> TopicFilter.parse(text).orElseThrow()).toList();
    }

    /** What BrokerPermissions.of gives the broker, built without the broker's Builders service. */
    private static ModifiableDefaultPermissions asBroker(final Permissions permissions) {
        final ModifiableDefaultPermissionsImpl target = new ModifiableDefaultPermissionsImpl();
        target.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        for (final TopicGrant grant : permissions.topicGrants()) {
            final TopicPermission.MqttActivity activity = grant.publish() && grant.subscribe() ?
                    TopicPermission.MqttActivity.ALL : grant.publish() ?
                    TopicPermission.MqttActivity.PUBLISH : TopicPermission.MqttActivity.SUBSCRIBE;
            target.add(new TopicPermissionImpl(grant.filter().toString(), TopicPermission.PermissionType.ALLOW,
                    TopicPermission.Qos.ALL, activity, permissions.rights().retain() ?
                    TopicPermission.Retain.ALL : TopicPermission.Retain.NOT_RETAINED,
                    permissions.rights().sharedSubscriptions() ? TopicPermission.SharedSubscription.ALL :
                            TopicPermission.SharedSubscription.NOT_SHARED, "#"));
        }
        return target;
    }
}
