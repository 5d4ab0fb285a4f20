package com.accountauth.extension.password;

import java.util.Set;

/**
 * What one kind of principal may use: the formats its stored hashes may have (a row in another format is refused,
 * and the log says so), and the format and cost its new hashes get ({@code <passwords><device>} etc.).
 */
public record KindPolicy(Set<PasswordFormat> formats, HashTarget target) {

    public KindPolicy {
        formats = Set.copyOf(formats);
        if (!formats.contains(target.format())) {
            throw new IllegalArgumentException("the target format " + target.format() + " is not among " + formats);
        }
    }
}
