package com.accountauth.extension.bench;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.acl.TopicGrant;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.ConfigLoader;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extensions.auth.parameter.TopicPermissionImpl;
import com.hivemq.extensions.packets.general.ModifiableDefaultPermissionsImpl;
import com.hivemq.mqtt.handler.publish.DefaultPermissionsEvaluator;
import com.hivemq.mqtt.message.QoS;
import com.hivemq.mqtt.message.publish.PUBLISH;
import com.hivemq.mqtt.message.publish.PUBLISHFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What HiveMQ checks per message on account-auth's behalf: a device's PUBLISH, its default permissions as the
 * extension sets them at CONNECT from a config.xml, and allow-all's (none, ALLOW) to compare with. The permissions
 * are built with the same settings as {@code Builders.topicPermission()}; {@link #check} is HiveMQ CE's own
 * evaluator, the code its event loops run for each PUBLISH. Shared by {@link PermissionCheckCost} (the benchmark's
 * reference row) and {@link PermissionCheckBenchmark} (JMH).
 */
record DevicePublishCheck(ModifiableDefaultPermissionsImpl device, ModifiableDefaultPermissionsImpl allowAll,
                          PUBLISH publish, int permissions) {

    static DevicePublishCheck of(final Path config, final Population.Device device) throws Exception {
        final AccountAuthConfig loaded = new ConfigLoader(name -> name.contains("URL") ?
                "jdbc:mysql://127.0.0.1:3306/accounts" : "bench").load(config);
        final PermissionPlanner planner = new PermissionPlanner(loaded.permissions(), loaded.autoSubscribe());
        final List<TopicGrant> grants = planner.forDevice(new DeviceTopicValues(Population.VENDOR, Population.MODEL,
                device.uid(), device.mac())).topicGrants();
        final ModifiableDefaultPermissionsImpl deviceSide = new ModifiableDefaultPermissionsImpl();
        deviceSide.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        final List<TopicPermission> permissions = new ArrayList<>();
        for (final TopicGrant grant : grants) {
            final TopicPermission.MqttActivity activity = grant.publish() && grant.subscribe() ?
                    TopicPermission.MqttActivity.ALL : grant.publish() ?
                    TopicPermission.MqttActivity.PUBLISH : TopicPermission.MqttActivity.SUBSCRIBE;
            permissions.add(new TopicPermissionImpl(grant.filter().toString(), TopicPermission.PermissionType.ALLOW,
                    TopicPermission.Qos.ALL, activity, TopicPermission.Retain.ALL,
                    TopicPermission.SharedSubscription.ALL, "#"));
        }
        deviceSide.addAll(permissions);
        final ModifiableDefaultPermissionsImpl allowAll = new ModifiableDefaultPermissionsImpl();
        allowAll.setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);

        final PUBLISH publish = new PUBLISHFactory.Mqtt5Builder().withHivemqId("bench")
                .withTopic(device.topic("motiondetector")).withQoS(QoS.AT_LEAST_ONCE)
                .withOnwardQos(QoS.AT_LEAST_ONCE).withPayload(new byte[64]).build();
        // a timing of a check that decides wrongly would be worthless: it must allow the device's own topic and
        // refuse another device's
        if (!check(deviceSide, publish) || check(deviceSide, new PUBLISHFactory.Mqtt5Builder()
                .fromPublish(publish).withTopic("/" + Population.VENDOR + "/" + Population.MODEL +
                        "/motiondetector/SOMEONE-ELSE").build())) {
            throw new IllegalStateException("the device's permissions do not decide as the extension's would");
        }
        return new DevicePublishCheck(deviceSide, allowAll, publish, permissions.size());
    }

    /** The first device of a small population, with the shipped config.xml of {@code project}. */
    static DevicePublishCheck shipped(final Path project) throws Exception {
        return of(project.resolve("conf/config.xml"), new Population(4).devices.get(0));
    }

    static boolean check(final ModifiableDefaultPermissionsImpl permissions, final PUBLISH publish) {
        return DefaultPermissionsEvaluator.checkPublish(permissions, publish);
    }
}
