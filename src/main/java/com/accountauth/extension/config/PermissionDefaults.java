package com.accountauth.extension.config;

import java.util.List;

/** The default topic templates of {@code <permissions>}, as shipped in conf/config.xml. */
final class PermissionDefaults {

    /** The publish and subscribe templates of one element. */
    record Templates(List<String> publish, List<String> subscribe) {
    }

    private static final String OWN_TOPICS = "/${{vendor}}/${{model}}/+/${{uid}}";
    private static final String COMMAND_TOPICS = "/${{vendor}}/${{model}}/command/${{uid}}";

    /** {@code <device>}: publish and subscribe to its own event topics. */
    static final Templates DEVICE = new Templates(List.of(OWN_TOPICS, OWN_TOPICS + "/#"),
            List.of(OWN_TOPICS, OWN_TOPICS + "/#"));
    /** {@code <paired-device>}: subscribe to each paired device's event topics. */
    static final Templates PAIRED_DEVICE = new Templates(List.of(), List.of(OWN_TOPICS, OWN_TOPICS + "/#"));
    /** {@code <owned-device>}: publish commands to each owned device. */
    static final Templates OWNED_DEVICE = new Templates(List.of(COMMAND_TOPICS, COMMAND_TOPICS + "/#"), List.of());
    /** {@code <service>}: everything under '/'. */
    static final Templates SERVICE = new Templates(List.of("/#"), List.of("/#"));

    /** {@code <auto-subscribe>/<device>}: a device's session gets its own command topics. */
    static final List<String> AUTO_SUBSCRIBE_DEVICE = List.of(COMMAND_TOPICS, COMMAND_TOPICS + "/#");
    /** {@code <auto-subscribe>/<paired-device>}: a user's session gets every paired device's event topics. */
    static final List<String> AUTO_SUBSCRIBE_PAIRED_DEVICE = List.of(OWN_TOPICS, OWN_TOPICS + "/#");

    private PermissionDefaults() {
    }
}
