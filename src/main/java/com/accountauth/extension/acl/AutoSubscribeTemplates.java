package com.accountauth.extension.acl;

import java.util.List;

/**
 * {@code <auto-subscribe>}: filters the extension subscribes a client's session to, server-side, so apps need not
 * know their devices' topics. Each filled filter is subscribed only if the principal's permissions allow it.
 *
 * @param device       for a device, from its own row
 * @param pairedDevice for a user, per paired device
 */
public record AutoSubscribeTemplates(List<TopicTemplate> device, List<TopicTemplate> pairedDevice) {

    public AutoSubscribeTemplates {
        device = List.copyOf(device);
        pairedDevice = List.copyOf(pairedDevice);
    }
}
