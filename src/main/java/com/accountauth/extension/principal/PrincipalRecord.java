package com.accountauth.extension.principal;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.identity.UsernameParser;

import java.util.Optional;

/**
 * A device or account row as loaded, before its password is checked. Cached for every connected principal, so the
 * two fields most rows have are plain nullable references rather than {@code Optional}s.
 *
 * @param principal    who it is, with the DB's spelling of its name
 * @param passwordHash the stored hash; null when the row has none
 * @param enabled      the row's enabled flag
 * @param roleProblem  why the account's role is unusable, if it is
 * @param device       the topic values of a device; null for accounts
 */
public record PrincipalRecord(Principal principal, String passwordHash, boolean enabled,
                              Optional<String> roleProblem, DeviceTopicValues device) {

    /** True for a device's row. */
    public boolean isDevice() {
        return device != null;
    }

    /** Whether the client id is this device's own MAC (in any form a MAC username may take) or uid. */
    public boolean isOwnDeviceId(final String clientId) {
        if (!isDevice()) {
            return false;
        }
        return clientId.equals(device.uid()) || UsernameParser.parse(clientId)
                .filter(login -> login.kind() == LoginName.Kind.DEVICE)
                .map(login -> login.lookupKey().equals(principal.name())).orElse(false);
    }

    @Override
    public String toString() {
        return principal.toString();
    }
}
