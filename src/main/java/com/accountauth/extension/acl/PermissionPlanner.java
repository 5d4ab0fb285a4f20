package com.accountauth.extension.acl;

import com.accountauth.extension.util.LogSafe;
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
    private final AutoSubscribeTemplates autoSubscribe;

    public PermissionPlanner(final PermissionTemplates templates, final AutoSubscribeTemplates autoSubscribe) {
        this.templates = templates;
        this.autoSubscribe = autoSubscribe;
    }

    /** The filters a device's session is subscribed to server-side: those of its templates it may subscribe to. */
    public List<TopicFilter> autoSubscriptionsForDevice(final DeviceTopicValues device, final Permissions allowed) {
        final List<TopicFilter> filters = new ArrayList<>();
        fillAll(autoSubscribe.device(), device.asPlaceholderValues(), device, filters);
        return onlyAllowed(filters, allowed);
    }

    /** The filters a user's session is subscribed to server-side, per paired device, as far as it may. */
    public List<TopicFilter> autoSubscriptionsForUser(final List<PairedDevice> pairedDevices,
                                                      final Permissions allowed) {
        final List<TopicFilter> filters = new ArrayList<>();
        for (final PairedDevice paired : pairedDevices) {
            if (!paired.enabled()) {
                continue;
            }
            fillAll(autoSubscribe.pairedDevice(), paired.device().asPlaceholderValues(), paired.device(), filters);
        }
        return onlyAllowed(filters, allowed);
    }

    private static List<TopicFilter> onlyAllowed(final List<TopicFilter> filters, final Permissions allowed) {
        // '/a/#' also matches '/a': a covered filter would only cost the session a subscription
        return Permissions.sharing(Permissions.withoutCovered(filters.stream()
                .filter(f -> allowed.allowsSubscribe(f.toString())).toList()), allowed.subscribe());
    }

    /** A device: its own topics. */
    public Permissions forDevice(final DeviceTopicValues device) {
        final List<TopicFilter> publish = new ArrayList<>();
        final List<TopicFilter> subscribe = new ArrayList<>();
        add(templates.device(), device, publish, subscribe);
        return new Permissions(publish, subscribe, templates.rights().device());
    }

    /** A user: the topics of every paired device, and command topics of the devices it owns. */
    public Permissions forUser(final List<PairedDevice> pairedDevices) {
        final List<TopicFilter> publish = new ArrayList<>();
        final List<TopicFilter> subscribe = new ArrayList<>();
        for (final PairedDevice paired : pairedDevices) {
            if (!paired.enabled()) {
                continue;
            }
            final Optional<PairingRole> role = PairingRole.parse(paired.role());
            if (role.isEmpty()) {
                log.warn("account-auth: pairing with device uid {} has unknown role {}, granting nothing for it",
                        LogSafe.of(paired.device().uid()), LogSafe.of(paired.role()));
                continue;
            }
            add(templates.pairedDevice(), paired.device(), publish, subscribe);
            if (role.get() == PairingRole.OWNER) {
                add(templates.ownedDevice(), paired.device(), publish, subscribe);
            }
        }
        return new Permissions(publish, subscribe, templates.rights().user());
    }

    /** A service account: the constant service templates. */
    public Permissions forService() {
        final List<TopicFilter> publish = new ArrayList<>();
        final List<TopicFilter> subscribe = new ArrayList<>();
        add(templates.service(), new DeviceTopicValues(null, null, null, null), publish, subscribe);
        return new Permissions(publish, subscribe, templates.rights().service());
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
                log.warn("account-auth: permission '{}' dropped for device uid {}: a DB value is missing or holds " +
                        "'/', '+', '#' or a control character", template, LogSafe.of(device.uid()));
            }
        }
    }
}
