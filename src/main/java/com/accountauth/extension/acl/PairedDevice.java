package com.accountauth.extension.acl;

/** One device paired to a user, with the raw role from the DB (parsed by {@link PairingRole#parse}). */
public record PairedDevice(DeviceTopicValues device, String role) {
}
