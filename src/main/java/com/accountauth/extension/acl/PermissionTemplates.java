package com.accountauth.extension.acl;

/**
 * All topic templates, from {@code <permissions>} in config.xml, and what each kind of principal may do there
 * beyond plain publishing and subscribing.
 *
 * @param device       what a device may do on its own topics
 * @param pairedDevice what a user may do on each paired device's topics, owner or viewer
 * @param ownedDevice  what a user may do in addition on each device it owns
 * @param service      what a service account may do (no placeholders)
 * @param rights       retained messages and shared subscriptions, per kind of principal
 */
public record PermissionTemplates(TemplateSet device, TemplateSet pairedDevice, TemplateSet ownedDevice,
                                  TemplateSet service, RightsByKind rights) {
}
