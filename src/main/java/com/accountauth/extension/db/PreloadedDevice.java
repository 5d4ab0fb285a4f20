package com.accountauth.extension.db;

import java.util.List;

/**
 * A device row read at start by {@code <devices-to-preload>}, with the client ids bound to it.
 *
 * @param row       the device's row, as {@code <device-by-id>} reads it
 * @param clientIds the client ids bound to the device in {@code client_ids}, in no order; empty when none
 */
public record PreloadedDevice(DeviceRow row, List<String> clientIds) {
}
