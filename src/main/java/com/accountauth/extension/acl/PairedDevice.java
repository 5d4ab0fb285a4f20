package com.accountauth.extension.acl;

/**
 * One device paired to a user: its id, topic values, whether it is enabled (a disabled device grants nothing) and
 * the raw pairing role (parsed by {@link PairingRole#parse}).
 */
public record PairedDevice(long deviceId, DeviceTopicValues device, String role, boolean enabled) {
}
