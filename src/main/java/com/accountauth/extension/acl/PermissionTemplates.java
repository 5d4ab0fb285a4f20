package com.accountauth.extension.acl;

/**
 * All topic templates, from {@code <permissions>} in config.xml.
 *
 * @param device       what a device may do on its own topics
 * @param pairedDevice what a user may do on each paired device's topics, owner or viewer
 * @param ownedDevice  what a user may do in addition on each device it owns
 * @param service      what a service account may do (no placeholders)
 */
public record PermissionTemplates(TemplateSet device, TemplateSet pairedDevice, TemplateSet ownedDevice,
                                  TemplateSet service) {
}
