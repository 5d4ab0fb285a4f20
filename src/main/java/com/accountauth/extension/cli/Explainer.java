package com.accountauth.extension.cli;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.acl.PairingRole;
import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.acl.PermissionTemplates;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TemplateSet;
import com.accountauth.extension.acl.TopicFilter;
import com.accountauth.extension.acl.TopicGrant;
import com.accountauth.extension.acl.TopicTemplate;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.identity.ClientIdPattern;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.auth.CredentialChecker;
import com.accountauth.extension.password.HashSchemes;
import com.accountauth.extension.password.PasswordVerifier;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.principal.PrincipalLoader;
import com.accountauth.extension.principal.PrincipalRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code explain}: what the broker would answer a principal's PUBLISH or SUBSCRIBE, and the rule that decided it, in
 * words an operator can act on. The CONNECT's guard clauses in {@code CredentialChecker}'s order (without the
 * password, which the CLI never sees), the extension's own loader and planner for the permissions, and
 * {@link BrokerRules} for HiveMQ's matching of them.
 */
final class Explainer {

    /** What is asked. */
    enum Action { PUBLISH, SUBSCRIBE }

    /**
     * The answer: the verdict line ("allowed: ..." or "denied: ..."), and notes on what could not be checked.
     */
    record Explanation(boolean allowed, String verdict, List<String> notes) {
    }

    private final AdminStore store;
    private final AccountAuthConfig config;
    private final PermissionPlanner planner;
    private final PrincipalLoader loader;
    private final PasswordVerifier verifier;

    Explainer(final AdminStore store, final AccountAuthConfig config) {
        this.store = store;
        this.config = config;
        this.planner = new PermissionPlanner(config.permissions(), config.autoSubscribe());
        this.loader = new PrincipalLoader(store, planner);
        this.verifier = new PasswordVerifier(new HashSchemes(config.passwords().pepper()), config.passwords().limits(),
                config.passwords().kinds());
    }

    Explanation explain(final String username, final Action action, final String topic, final boolean retain,
                        final Optional<String> clientId) throws AccountStoreUnavailableException {
        final List<String> notes = new ArrayList<>();
        final Optional<LoginName> login = UsernameParser.parse(username);
        if (login.isEmpty()) {
            return denied("denied at CONNECT: '" + username + "' is neither a MAC address nor an email address " +
                    "(0x86 bad username or password)", notes);
        }
        final Optional<PrincipalLoader.Found> found = loader.find(login.get(), clientId.orElse(""));
        if (found.isEmpty()) {
            return denied("denied at CONNECT: no " + (login.get().kind() == LoginName.Kind.DEVICE ?
                    "device with MAC " : "account with email ") + login.get().lookupKey() +
                    " (0x86 bad username or password)", notes);
        }
        final PrincipalRecord record = found.get().record();
        final String who = name(record);
        final Optional<String> hashProblem = verifier.unusableHashReason(record.principal().kind(),
                record.passwordHash());
        if (hashProblem.isPresent()) {
            return denied("denied at CONNECT: " + who + ": " + hashProblem.get() + ", so no password can match " +
                    "(0x86 bad username or password)", notes);
        }
        notes.add("the password is not checked here; a wrong one is refused at CONNECT with 0x86");
        if (!record.enabled()) {
            return denied("denied at CONNECT: " + who + " is disabled (0x87 not authorized)", notes);
        }
        if (record.roleProblem().isPresent()) {
            return denied("denied at CONNECT: " + who + " has " + record.roleProblem().get() +
                    " (0x87 not authorized)", notes);
        }
        if (clientId.isPresent()) {
            final Optional<String> refusal = clientIdRefusal(record, found.get(), clientId.get(), notes);
            if (refusal.isPresent()) {
                return denied(refusal.get(), notes);
            }
        } else {
            notes.add("no --client-id given: the client id's pattern and owner are not checked");
        }
        final Permissions permissions = loader.plan(record).permissions();
        final Optional<TopicGrant> grant = admitting(permissions, action, topic, retain);
        if (grant.isPresent()) {
            warnIfOwnRuleDisagrees(permissions, action, topic, true, notes);
            return new Explanation(true, "allowed: " + provenance(record, action, grant.get().filter()), notes);
        }
        warnIfOwnRuleDisagrees(permissions, action, topic, false, notes);
        return denied(whyDenied(record, permissions, action, topic, retain), notes);
    }

    private Optional<String> clientIdRefusal(final PrincipalRecord record, final PrincipalLoader.Found found,
                                             final String clientId, final List<String> notes)
            throws AccountStoreUnavailableException {
        final Optional<ClientIdPattern> pattern = record.isDevice() ?
                config.clientIds().devicePattern() : config.clientIds().accountPattern();
        final Principal principal = record.principal();
        final Map<String, String> values = record.isDevice() ?
                Map.of("mac", principal.name(), "uid", String.valueOf(record.device().uid())) :
                Map.of("id", Long.toString(principal.id()), "email", principal.name());
        if (pattern.isPresent() && !pattern.get().matches(clientId, values)) {
            return Optional.of("denied at CONNECT: client id '" + clientId + "' does not match <client-ids>/<" +
                    (record.isDevice() ? "device" : "account") + "-pattern> " + pattern.get() +
                    " (0x85 client identifier not valid)");
        }
        if (clientId.length() > config.clientIds().maxLength()) {
            return Optional.of("denied at CONNECT: client id of " + clientId.length() + " characters, longer than "
                    + "<client-ids>/<max-length> " + config.clientIds().maxLength() + " (0x85 client identifier not valid)");
        }
        final boolean ownDeviceId = config.clientIds().reserveDeviceIds()
                && CredentialChecker.isOwnDeviceId(record, clientId);
        if (ownDeviceId) {
            notes.add("client id '" + clientId + "' is the device's own MAC or uid: reserved to it, whoever bound it");
            return Optional.empty();
        }
        if (config.clientIds().reserveDeviceIds()) {
            final Optional<String> reservedTo = store.deviceReservingClientId(clientId);
            if (reservedTo.isPresent() && !reservedTo.get().equals(principal.key())) {
                return Optional.of("denied at CONNECT: client id '" + clientId + "' is the MAC or uid of "
                        + ownerName(reservedTo.get()) + " and reserved to it (0x85 client identifier not valid)");
            }
        }
        if (!config.clientIds().bindToPrincipal()) {
            return Optional.empty();
        }
        final Optional<String> owner = found.clientIdOwner().isPresent() ?
                found.clientIdOwner().get().ownerKey() : store.clientIdOwner(clientId);
        if (owner.isEmpty()) {
            notes.add("client id '" + clientId + "' is not bound yet: the first CONNECT with it binds it to " +
                    name(record));
            return Optional.empty();
        }
        if (!owner.get().equals(principal.key())) {
            return Optional.of("denied at CONNECT: client id '" + clientId + "' is bound to " +
                    ownerName(owner.get()) + " (0x85 client identifier not valid)");
        }
        return Optional.empty();
    }

    private static Optional<TopicGrant> admitting(final Permissions permissions, final Action action,
                                                  final String topic, final boolean retain) {
        return action == Action.PUBLISH ? BrokerRules.admittingPublish(permissions, topic, retain) :
                BrokerRules.admittingSubscribe(permissions, topic);
    }

    /** The broker has the last word; a difference from the extension's own subset rule is worth knowing. */
    private static void warnIfOwnRuleDisagrees(final Permissions permissions, final Action action, final String topic,
                                               final boolean brokerAllows, final List<String> notes) {
        if (action != Action.SUBSCRIBE) {
            return;
        }
        if (permissions.allowsSubscribe(topic) != brokerAllows) {
            notes.add("warning: account-auth's own subset rule " + (brokerAllows ? "would refuse" : "would allow") +
                    " this subscription, but HiveMQ decides by the permissions as above; check the <subscribe> " +
                    "templates (one ending in '+' admits '#')");
        }
    }

    /** Which template of which pairing produced the filter that admitted it. */
    private String provenance(final PrincipalRecord record, final Action action, final TopicFilter filter)
            throws AccountStoreUnavailableException {
        final PermissionTemplates templates = config.permissions();
        final String who = name(record);
        return switch (record.principal().kind()) {
            case DEVICE -> who + " on its own topics, <permissions>/<device> template " +
                    template(templates.device(), action, record.device(), filter).orElse(filter.toString());
            case SERVICE -> who + " is a service account, <permissions>/<service> template " +
                    template(templates.service(), action, new DeviceTopicValues(null, null, null, null), filter)
                            .orElse(filter.toString());
            case USER -> {
                for (final PairedDevice paired : store.pairedDevices(record.principal().id())) {
                    final Optional<PairingRole> role = PairingRole.parse(paired.role());
                    if (!paired.enabled() || role.isEmpty()) {
                        continue;
                    }
                    if (role.get() == PairingRole.OWNER) {
                        final Optional<String> owned = template(templates.ownedDevice(), action, paired.device(),
                                filter);
                        if (owned.isPresent()) {
                            yield who + " owns device " + paired.device().uid() + " (pairing owner), " +
                                    "<permissions>/<owned-device> template " + owned.get();
                        }
                    }
                    final Optional<String> any = template(templates.pairedDevice(), action, paired.device(), filter);
                    if (any.isPresent()) {
                        yield who + " is paired with device " + paired.device().uid() + " (pairing " +
                                role.get().name().toLowerCase(java.util.Locale.ROOT) + "), " +
                                "<permissions>/<paired-device> template " + any.get();
                    }
                }
                yield who + " by permission " + filter;
            }
        };
    }

    private static Optional<String> template(final TemplateSet set, final Action action,
                                             final DeviceTopicValues values, final TopicFilter filter) {
        final List<TopicTemplate> candidates = action == Action.PUBLISH ? set.publish() : set.subscribe();
        final Map<String, String> placeholders = values.asPlaceholderValues();
        for (final TopicTemplate template : candidates) {
            if (template.fill(placeholders).filter(filter::equals).isPresent()) {
                return Optional.of(template.toString());
            }
        }
        // a filter of both lists may have come from the other list's template (one grant allows both)
        final List<TopicTemplate> others = action == Action.PUBLISH ? set.subscribe() : set.publish();
        for (final TopicTemplate template : others) {
            if (template.fill(placeholders).filter(filter::equals).isPresent()) {
                return Optional.of(template.toString());
            }
        }
        return Optional.empty();
    }

    private String whyDenied(final PrincipalRecord record, final Permissions permissions, final Action action,
                             final String topic, final boolean retain) throws AccountStoreUnavailableException {
        final String who = name(record);
        if (action == Action.PUBLISH && TopicFilter.parse(topic).filter(TopicFilter::isTopicName).isEmpty()) {
            return "denied: '" + topic + "' is not a valid topic name (no wildcards, not empty)";
        }
        final String kind = record.principal().kind().name().toLowerCase(java.util.Locale.ROOT);
        if (action == Action.PUBLISH && retain && BrokerRules.admittingPublish(permissions, topic, false).isPresent()) {
            return "denied: " + who + " may publish there, but not retained (<permissions>/<retain>/<" + kind +
                    "> is false)";
        }
        if (action == Action.SUBSCRIBE && topic.startsWith("$share/") && !permissions.rights().sharedSubscriptions()
                && BrokerRules.admittingSubscribe(permissions, BrokerRules.unshared(topic)).isPresent()) {
            return "denied: " + who + " may subscribe to " + BrokerRules.unshared(topic) + ", but not as a " +
                    "shared subscription (<permissions>/<shared-subscriptions>/<" + kind + "> is false)";
        }
        if (record.principal().kind() != Principal.Kind.USER) {
            return "denied: no permission of " + who + " matches " + topic + " (it may " + summary(permissions, action)
                    + ")";
        }
        final List<PairedDevice> paired = store.pairedDevices(record.principal().id());
        for (final PairedDevice device : paired) {
            // what this pairing would grant if it were enabled and its user the owner
            final Permissions full = planner.forUser(List.of(new PairedDevice(device.deviceId(), device.device(),
                    "owner", true)));
            if (admitting(full, action, topic, retain).isEmpty()) {
                continue;
            }
            final String uid = device.device().uid();
            if (!device.enabled()) {
                return "denied: device " + uid + " is disabled, so its pairing with " + who + " grants nothing";
            }
            final Optional<PairingRole> role = PairingRole.parse(device.role());
            if (role.isEmpty()) {
                return "denied: the pairing of " + who + " with device " + uid + " has unknown role '" +
                        device.role() + "' (expected owner or viewer), so it grants nothing";
            }
            if (role.get() == PairingRole.VIEWER) {
                return "denied: " + who + " is only a viewer of device " + uid + "; <permissions>/<owned-device> " +
                        "is for owners";
            }
        }
        if (paired.isEmpty()) {
            return "denied: " + who + " has no paired device, so no device topic is allowed";
        }
        return "denied: no pairing between " + who + " and the device of " + topic + " (" + paired.size() +
                " device" + (paired.size() == 1 ? "" : "s") + " paired; `list " + record.principal().name() +
                "` shows them), or the topic is outside the templates";
    }

    private static String summary(final Permissions permissions, final Action action) {
        final List<TopicFilter> filters = action == Action.PUBLISH ? permissions.publish() : permissions.subscribe();
        if (filters.isEmpty()) {
            return (action == Action.PUBLISH ? "publish" : "subscribe") + " nowhere";
        }
        final List<String> shown = filters.stream().limit(4).map(TopicFilter::toString).toList();
        return (action == Action.PUBLISH ? "publish to " : "subscribe to ") + String.join(", ", shown) +
                (filters.size() > shown.size() ? " and " + (filters.size() - shown.size()) + " more" : "");
    }

    private static String name(final PrincipalRecord record) {
        return switch (record.principal().kind()) {
            case DEVICE -> "device " + record.principal().name();
            case USER -> record.principal().name();
            case SERVICE -> "service " + record.principal().name();
        };
    }

    /** {@code account:7} as the account's email, {@code device:3} as the device's MAC, where they still exist. */
    private String ownerName(final String ownerKey) throws AccountStoreUnavailableException {
        final int colon = ownerKey.indexOf(':');
        final long id = Long.parseLong(ownerKey.substring(colon + 1));
        if (ownerKey.startsWith("device:")) {
            return store.findDevice(id).map(row -> "device " + row.mac()).orElse(ownerKey + " (deleted)");
        }
        return store.findAccount(id).map(row -> row.email()).orElse(ownerKey + " (deleted)");
    }

    private static Explanation denied(final String verdict, final List<String> notes) {
        return new Explanation(false, verdict, notes);
    }
}
