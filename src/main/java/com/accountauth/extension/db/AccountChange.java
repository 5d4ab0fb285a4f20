package com.accountauth.extension.db;

import java.util.Optional;

/**
 * One row of the change feed: an account changed (account only), a device changed (device only), or a pairing
 * changed (both).
 */
public record AccountChange(long seq, Optional<Long> accountId, Optional<Long> deviceId) {
}
