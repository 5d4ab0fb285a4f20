package com.accountauth.extension.cli;

import org.mindrot.jbcrypt.BCrypt;

/**
 * The one place where the CLI makes a password hash, so that further formats (see {@code identity/}) are wired in
 * here only. bcrypt, as {@code $2a$} (which PHP, Python and the extension all verify).
 */
final class PasswordHasher {

    private PasswordHasher() {
    }

    static String hash(final String password, final int cost) {
        return BCrypt.hashpw(password, BCrypt.gensalt(cost));
    }
}
