package com.accountauth.extension.acl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PermissionPlannerTest {

    private static final String OWN = "/${{vendor}}/${{model}}/+/${{uid}}";
    private static final String COMMAND = "/${{vendor}}/${{model}}/command/${{uid}}";

    private static List<TopicTemplate> templates(final Set<String> placeholders, final String... texts) {
        return java.util.Arrays.stream(texts).map(t -> TopicTemplate.parse(t, placeholders).template()).toList();
    }

    private static final PermissionPlanner PLANNER = new PermissionPlanner(new PermissionTemplates(
            new TemplateSet(templates(TopicTemplate.PLACEHOLDERS, OWN, OWN + "/#"),
                    templates(TopicTemplate.PLACEHOLDERS, OWN, OWN + "/#")),
            new TemplateSet(List.of(), templates(TopicTemplate.PLACEHOLDERS, OWN, OWN + "/#")),
            new TemplateSet(templates(TopicTemplate.PLACEHOLDERS, COMMAND, COMMAND + "/#"), List.of()),
            new TemplateSet(templates(Set.of(), "/#"), templates(Set.of(), "/#")),
            new RightsByKind(MessageRights.NONE, new MessageRights(false, true), new MessageRights(true, true))),
            new AutoSubscribeTemplates(templates(TopicTemplate.PLACEHOLDERS, COMMAND, COMMAND + "/#"),
                    templates(TopicTemplate.PLACEHOLDERS, OWN, OWN + "/#", "/${{vendor}}/#")));

    private static final DeviceTopicValues CAM1 =
            new DeviceTopicValues("orbweb", "ipcam", "XRHIU1Z76KFMWXPDWQFM", "00:1B:FE:0D:44:21");
    private static final DeviceTopicValues CAM2 =
            new DeviceTopicValues("zavio", "ipcam", "ZAV1", "00:1B:FE:0D:44:22");

    @Test
    void deviceGetsOnlyItsOwnTopics() {
        final Permissions p = PLANNER.forDevice(CAM1);
        assertTrue(p.allowsPublish("/orbweb/ipcam/motiondetector/XRHIU1Z76KFMWXPDWQFM"));
        assertTrue(p.allowsPublish("/orbweb/ipcam/motiondetector/XRHIU1Z76KFMWXPDWQFM/location"));
        assertTrue(p.allowsSubscribe("/orbweb/ipcam/command/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(p.allowsPublish("/zavio/ipcam/motiondetector/ZAV1"));
        assertFalse(p.allowsSubscribe("/orbweb/#"));
        assertFalse(p.allowsSubscribe("#"));
    }

    @Test
    void ownerSubscribesAndCommandsViewerOnlySubscribes() {
        final Permissions p = PLANNER.forUser(List.of(new PairedDevice(1, CAM1, "owner", true),
                new PairedDevice(2, CAM2, "viewer", true)));
        assertTrue(p.allowsSubscribe("/orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM"));
        assertTrue(p.allowsSubscribe("/zavio/ipcam/motiondetector/ZAV1/location"));
        assertTrue(p.allowsPublish("/orbweb/ipcam/command/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(p.allowsPublish("/zavio/ipcam/command/ZAV1"));
        assertFalse(p.allowsPublish("/orbweb/ipcam/motiondetector/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(p.allowsSubscribe("/orbweb/#"));
        assertFalse(p.allowsSubscribe("/+/+/+/+"));
        assertFalse(p.allowsSubscribe("#"));
    }

    @Test
    void disabledPairedDeviceGrantsNothing() {
        final Permissions p = PLANNER.forUser(List.of(new PairedDevice(1, CAM1, "owner", false)));
        assertTrue(p.publish().isEmpty());
        assertTrue(p.subscribe().isEmpty());
    }

    @Test
    void autoSubscriptionsAreFilledPerPairedDeviceAndOnlyWhereAllowed() {
        final List<PairedDevice> paired = List.of(new PairedDevice(1, CAM1, "viewer", true),
                new PairedDevice(2, CAM2, "owner", false));
        final Permissions p = PLANNER.forUser(paired);
        // '/orbweb/#' is a template too, but wider than the user may subscribe to: left out; and '.../#' also
        // matches '...', so the session needs only the one subscription
        assertEquals(List.of("/orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM/#"),
                PLANNER.autoSubscriptionsForUser(paired, p).stream().map(TopicFilter::toString).toList());
        final Permissions device = PLANNER.forDevice(CAM1);
        assertEquals(List.of("/orbweb/ipcam/command/XRHIU1Z76KFMWXPDWQFM/#"),
                PLANNER.autoSubscriptionsForDevice(CAM1, device).stream().map(TopicFilter::toString).toList());
    }

    @Test
    void receivingFollowsSubscribePermissions() {
        final Permissions p = PLANNER.forUser(List.of(new PairedDevice(1, CAM1, "viewer", true)));
        assertTrue(p.allowsReceive("/orbweb/ipcam/motiondetector/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(p.allowsReceive("/zavio/ipcam/motiondetector/ZAV1"));
        assertFalse(p.allowsReceive("/orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM"));
    }

    @Test
    void unknownPairingRoleGrantsNothing() {
        final Permissions p = PLANNER.forUser(List.of(new PairedDevice(1, CAM1, "admin", true)));
        assertTrue(p.publish().isEmpty());
        assertTrue(p.subscribe().isEmpty());
    }

    @Test
    void userWithoutPairingsMayDoNothing() {
        final Permissions p = PLANNER.forUser(List.of());
        assertFalse(p.allowsSubscribe("/orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(p.allowsPublish("/a"));
    }

    @Test
    void deviceWithWildcardUidGetsNothingFromThatTemplate() {
        final Permissions p = PLANNER.forDevice(new DeviceTopicValues("orbweb", "ipcam", "#", "00:1B:FE:0D:44:21"));
        assertTrue(p.publish().isEmpty());
        assertFalse(p.allowsPublish("/orbweb/ipcam/motiondetector/#"));
        assertFalse(p.allowsSubscribe("/orbweb/ipcam/+/#"));
    }

    @Test
    void serviceGetsEverythingUnderSlash() {
        final Permissions p = PLANNER.forService();
        assertTrue(p.allowsPublish("/zavio/ipcam/command/ZAV1"));
        assertTrue(p.allowsSubscribe("/#"));
        assertFalse(p.allowsSubscribe("#"));
        assertFalse(p.allowsPublish("$SYS/x"));
    }

    @Test
    void eachKindGetsItsOwnRights() {
        assertEquals(MessageRights.NONE, PLANNER.forDevice(CAM1).rights());
        assertEquals(new MessageRights(false, true),
                PLANNER.forUser(List.of(new PairedDevice(1, CAM1, "owner", true))).rights());
        assertEquals(new MessageRights(true, true), PLANNER.forService().rights());
    }

    @Test
    void sharedSubscriptionNeedsTheRight() {
        // the device has no right to share: its own topics, shared, are refused
        final Permissions device = PLANNER.forDevice(CAM1);
        assertTrue(device.allowsSubscribe("/orbweb/ipcam/command/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(device.allowsSubscribe("$share/app//orbweb/ipcam/command/XRHIU1Z76KFMWXPDWQFM"));
    }

    @Test
    void sharedSubscriptionIsJudgedByItsFilter() {
        final Permissions p = PLANNER.forUser(List.of(new PairedDevice(1, CAM1, "viewer", true)));
        assertTrue(p.allowsSubscribe("$share/app//orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM"));
        assertFalse(p.allowsSubscribe("$share/app/#"));
        assertFalse(p.allowsSubscribe("$share/app"));
        assertFalse(p.allowsSubscribe("$share//orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM"));
    }
}
