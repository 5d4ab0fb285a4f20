package com.accountauth.extension.acl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a principal's DB values into its permissions by filling the configured templates. */
public final class PermissionPlanner {

    private static final Logger log = LoggerFactory.getLogger(PermissionPlanner.class);

    private final PermissionTemplates templates;

    public PermissionPlanner(final PermissionTemplates templates) {
        this.templates = templates;
    }

    /** A device: its own topics. */
    public Permissions forDevice(final DeviceTopicValues device) {
        final List<TopicFilter> publish = new ArrayList<>();
        final List<TopicFilter> subscribe = new ArrayList<>();
        add(templates.device(), device, publish, subscribe);
        return new Permissions(publish, subscribe);
    }

    /** A user: the topics of every paired device, and command topics of the devices it owns. */
    public Permissions forUser(final List<PairedDevice> pairedDevices) {
        final List<TopicFilter> publish = new ArrayList<>();
        final List<TopicFilter> subscribe = new ArrayList<>();
        for (final PairedDevice paired : pairedDevices) {
            final Optional<PairingRole> role = PairingRole.parse(paired.role());
            if (role.isEmpty()) {
                log.warn("account-auth: pairing with device uid '{}' has unknown role '{}', granting nothing for it",
                        paired.device().uid(), paired.role());
                continue;
            }
            add(templates.pairedDevice(), paired.device(), publish, subscribe);
            if (role.get() == PairingRole.OWNER) {
                add(templates.ownedDevice(), paired.device(), publish, subscribe);
            }
        }
        return new Permissions(publish, subscribe);
    }

    /** A service account: the constant service templates. */
    public Permissions forService() {
        final List<TopicFilter> publish = new ArrayList<>();
        final List<TopicFilter> subscribe = new ArrayList<>();
        add(templates.service(), new DeviceTopicValues(null, null, null, null), publish, subscribe);
        return new Permissions(publish, subscribe);
    }

    private static void add(final TemplateSet set, final DeviceTopicValues device, final List<TopicFilter> publish,
                            final List<TopicFilter> subscribe) {
        final Map<String, String> values = device.asPlaceholderValues();
        fillAll(set.publish(), values, device, publish);
        fillAll(set.subscribe(), values, device, subscribe);
    }

    private static void fillAll(final List<TopicTemplate> templates, final Map<String, String> values,
                                final DeviceTopicValues device, final List<TopicFilter> into) {
        for (final TopicTemplate template : templates) {
            final Optional<TopicFilter> filter = template.fill(values);
            if (filter.isPresent()) {
                if (!into.contains(filter.get())) {
                    into.add(filter.get());
                }
            } else {
                // a DB value with '/', '+', '#' or a control character would widen the permission: drop it
                log.warn("account-auth: permission '{}' dropped for device uid '{}': a DB value is missing or holds " +
                        "'/', '+', '#' or a control character", template, printable(device.uid()));
            }
        }
    }

    private static String printable(final String value) {
        if (value == null) {
            return "<null>";
        }
        final StringBuilder out = new StringBuilder();
        value.codePoints().limit(64).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
