package com.accountauth.extension.password;

import com.accountauth.extension.identity.Principal;

/**
 * A stored hash to rewrite: the password just verified against it (the only moment it is known) and the hash it
 * verified against, which the UPDATE requires to be still in place. {@code toString} never shows the password.
 */
public record PasswordUpgrade(Principal principal, String oldHash, String password) {

    @Override
    public String toString() {
        return "upgrade of the password hash of " + principal;
    }
}
