package com.accountauth.extension.acl;

/**
 * The {@link MessageRights} of each kind of principal, from {@code <permissions>/<retain>} and
 * {@code <permissions>/<shared-subscriptions>} in config.xml.
 *
 * @param device  a device's, on its own topics
 * @param user    a user's, on its paired devices' topics
 * @param service a service account's
 */
public record RightsByKind(MessageRights device, MessageRights user, MessageRights service) {
}
