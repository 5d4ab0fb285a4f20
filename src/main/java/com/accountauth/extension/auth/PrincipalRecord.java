package com.accountauth.extension.auth;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.identity.Principal;

import java.util.Optional;

/**
 * A device or account row as loaded, before its password is checked.
 *
 * @param principal    who it is, with the DB's spelling of its name
 * @param passwordHash the stored hash, if any
 * @param enabled      the row's enabled flag
 * @param roleProblem  why the account's role is unusable, if it is
 * @param device       the topic values of a device (empty for accounts)
 */
public record PrincipalRecord(Principal principal, Optional<String> passwordHash, boolean enabled,
                              Optional<String> roleProblem, Optional<DeviceTopicValues> device) {

    @Override
    public String toString() {
        return principal.toString();
    }
}
