package com.accountauth.extension.config;

import com.accountauth.extension.identity.ListenerLogin;

import java.util.Map;
import java.util.Optional;

/**
 * {@code <certificate-logins>}: the HiveMQ listeners (by {@code <name>} in HiveMQ's config.xml) whose clients log in
 * by client certificate, and how. Every listener not named takes usernames and passwords.
 *
 * @param listeners listener name to its login; absent: password
 */
public record CertificateLoginSettings(Map<String, ListenerLogin> listeners) {

    public CertificateLoginSettings {
        listeners = Map.copyOf(listeners);
    }

    public static CertificateLoginSettings none() {
        return new CertificateLoginSettings(Map.of());
    }

    /** The login of the listener a client came in on; password when it is not named (or not known). */
    public ListenerLogin forListener(final Optional<String> name) {
        return name.map(listeners::get).orElse(ListenerLogin.PASSWORD);
    }
}
