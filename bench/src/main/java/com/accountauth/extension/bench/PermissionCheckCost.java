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
import java.util.Arrays;
import java.util.List;

/**
 * The one thing account-auth makes the broker do per message: HiveMQ's inline check of a device's PUBLISH against
 * the connection's default permissions (the ones the extension sets at CONNECT from the shipped config.xml), timed
 * in a loop against allow-all's (no permissions, ALLOW). It calls HiveMQ CE's own evaluator, the code its event
 * loops run for each PUBLISH; the permissions are built with the same settings as {@code Builders.topicPermission()}.
 */
final class PermissionCheckCost {

    record Result(double deviceNanos, double allowAllNanos, int permissions) {

        String describe() {
            return String.format("HiveMQ's inline check of one device PUBLISH against its %d default permissions: " +
                    "%.0f ns; with allow-all's (none, ALLOW): %.0f ns (median of %d loops of %,d)", permissions,
                    deviceNanos, allowAllNanos, LOOPS - UNMEASURED_LOOPS, CHECKS);
        }
    }

    private static final int CHECKS = 2_000_000;
    private static final int LOOPS = 10;
    private static final int UNMEASURED_LOOPS = 3; // JIT

    private PermissionCheckCost() {
    }

    static Result measure(final Path config, final Population.Device device) throws Exception {
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
        if (!DefaultPermissionsEvaluator.checkPublish(deviceSide, publish) ||
                DefaultPermissionsEvaluator.checkPublish(deviceSide, new PUBLISHFactory.Mqtt5Builder()
                        .fromPublish(publish).withTopic("/" + Population.VENDOR + "/" + Population.MODEL +
                                "/motiondetector/SOMEONE-ELSE").build())) {
            throw new IllegalStateException("the device's permissions do not decide as the extension's would");
        }
        return new Result(nanosPerCheck(deviceSide, publish), nanosPerCheck(allowAll, publish), permissions.size());
    }

    /** The median of the timed loops, after the unmeasured ones. */
    private static double nanosPerCheck(final ModifiableDefaultPermissionsImpl permissions, final PUBLISH publish) {
        final double[] loops = new double[LOOPS];
        int allowed = 0;
        for (int loop = 0; loop < loops.length; loop++) {
            final long start = System.nanoTime();
            for (int i = 0; i < CHECKS; i++) {
                if (DefaultPermissionsEvaluator.checkPublish(permissions, publish)) {
                    allowed++;
                }
            }
            loops[loop] = (double) (System.nanoTime() - start) / CHECKS;
        }
        if (allowed != CHECKS * loops.length) {
            throw new IllegalStateException("a check refused a permitted PUBLISH");
        }
        final double[] measured = Arrays.copyOfRange(loops, UNMEASURED_LOOPS, loops.length);
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }
}
