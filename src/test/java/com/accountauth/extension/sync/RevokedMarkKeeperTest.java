package com.accountauth.extension.sync;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RevokedMarkKeeperTest {

    @Test
    void theRevokedMarkCannotBeUnsubscribed() {
        assertEquals(List.of(RevokedMarkKeeper.NEVER_SUBSCRIBED),
                RevokedMarkKeeper.withoutOwnFilters(List.of(SessionSubscriptions.REVOKED_MARK)));
    }

    @Test
    void theMarkWithATrailingSlashCannotBeUnsubscribedEither() {
        assertEquals(List.of(RevokedMarkKeeper.NEVER_SUBSCRIBED),
                RevokedMarkKeeper.withoutOwnFilters(List.of(SessionSubscriptions.REVOKED_MARK + "/")));
    }

    @Test
    void otherFiltersOfTheSameUnsubscribeGoThroughInTheirPlaces() {
        assertEquals(List.of("/orbweb/ipcam/motiondetector/A", RevokedMarkKeeper.NEVER_SUBSCRIBED, "b/#"),
                RevokedMarkKeeper.withoutOwnFilters(List.of("/orbweb/ipcam/motiondetector/A",
                        SessionSubscriptions.REVOKED_MARK, "b/#")));
    }

    @Test
    void theMarkIsInTheNamespaceTheKeeperGuards() {
        assertEquals(true, SessionSubscriptions.REVOKED_MARK.startsWith(RevokedMarkKeeper.NAMESPACE));
    }
}
