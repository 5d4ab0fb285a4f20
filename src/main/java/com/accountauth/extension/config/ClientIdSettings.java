package com.accountauth.extension.config;

import com.accountauth.extension.identity.ClientIdPattern;

import java.util.Optional;

/**
 * {@code <client-ids>}: client ids belong to their principal.
 *
 * @param bindToPrincipal {@code <bind-to-principal>}: refuse a client id another principal has used, with 0x85.
 *                        Default true
 * @param devicePattern   {@code <device-pattern>}: a regex a device's client id must match, e.g.
 *                        {@code ${{mac}}|${{uid}}}. Default: none
 * @param accountPattern  {@code <account-pattern>}: the same for users and service accounts ({@code ${{id}}},
 *                        {@code ${{email}}}). Default: none
 */
public record ClientIdSettings(boolean bindToPrincipal, Optional<ClientIdPattern> devicePattern,
                               Optional<ClientIdPattern> accountPattern) {
}
