package com.accountauth.extension.db;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a batch of change-feed rows touched: principals (as {@code account:<id>} and {@code device:<id>}), devices
 * whose users' plans depend on them, and whether a row may have been inserted (so a username that was unknown may
 * exist now). {@link #everything()} stands for a resync: every principal and every grant counts as changed.
 */
public record ChangeSet(Set<String> principalKeys, Set<Long> deviceIds, boolean rowsAdded, boolean all) {

    private static final ChangeSet EVERYTHING = new ChangeSet(Set.of(), Set.of(), true, true);

    public ChangeSet {
        principalKeys = Set.copyOf(principalKeys);
        deviceIds = Set.copyOf(deviceIds);
    }

    /** A resync: the feed cannot say what changed, so everything counts as changed. */
    public static ChangeSet everything() {
        return EVERYTHING;
    }

    /** What these feed rows touched. */
    public static ChangeSet of(final List<AccountChange> changes) {
        final Set<String> principalKeys = new HashSet<>();
        final Set<Long> deviceIds = new HashSet<>();
        boolean rowsAdded = false;
        for (final AccountChange change : changes) {
            // a row of an account or device alone may be an INSERT: a username that was unknown may exist now
            rowsAdded |= change.accountId().isEmpty() || change.deviceId().isEmpty();
            change.accountId().ifPresent(id -> principalKeys.add("account:" + id));
            if (change.accountId().isEmpty()) {
                change.deviceId().ifPresent(id -> {
                    principalKeys.add("device:" + id);
                    deviceIds.add(id);
                });
            }
        }
        return new ChangeSet(principalKeys, deviceIds, rowsAdded, false);
    }

    /** True when nothing is touched. */
    public boolean isEmpty() {
        return !all && !rowsAdded && principalKeys.isEmpty() && deviceIds.isEmpty();
    }
}
