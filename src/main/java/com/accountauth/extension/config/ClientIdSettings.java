package com.accountauth.extension.config;

/**
 * {@code <client-ids>}: client ids belong to the principal that first used them.
 *
 * @param bindToPrincipal {@code <bind-to-principal>}: refuse a client id another principal has used, with 0x85.
 *                        Default true
 */
public record ClientIdSettings(boolean bindToPrincipal) {
}
