package com.accountauth.extension.it;

/**
 * The kinds of change the random driver makes to the account DB, with how often each is drawn. The weights keep the
 * population mostly enabled and paired: what is disabled or deleted is enabled or re-created more often than not.
 */
enum ChangeKind {
    PAIR(18),
    UNPAIR(12),
    /** UPDATE of a pairing's account_id: the old owner must lose the device. */
    MOVE_TO_ACCOUNT(8),
    /** UPDATE of a pairing's device_id: the account must lose the old device. */
    MOVE_TO_DEVICE(8),
    OWNER_TO_VIEWER(8),
    VIEWER_TO_OWNER(8),
    DISABLE_ACCOUNT(4),
    ENABLE_ACCOUNT(8),
    DISABLE_DEVICE(3),
    ENABLE_DEVICE(6),
    ACCOUNT_PASSWORD(4),
    DEVICE_PASSWORD(3),
    DELETE_ACCOUNT(2),
    RECREATE_ACCOUNT(6),
    DELETE_DEVICE(1),
    RECREATE_DEVICE(6);

    final int weight;

    ChangeKind(final int weight) {
        this.weight = weight;
    }
}
