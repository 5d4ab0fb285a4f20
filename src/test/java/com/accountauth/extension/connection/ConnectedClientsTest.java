package com.accountauth.extension.connection;

import com.accountauth.extension.testsupport.FakeClientContext;
import com.accountauth.extension.testsupport.RecordingPermissions;
import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.interceptor.disconnect.DisconnectInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectedClientsTest {

    static final PrincipalRecord ALICE = new PrincipalRecord(new Principal(Principal.Kind.USER, 7, "alice@example.com"),
            "$2a$04$hash", true, Optional.empty(), null);

    /** A connection's client context: its permissions object and the interceptors added to it. */
    record Connection(ModifiableDefaultPermissions permissions, List<Object> interceptors, ClientContext context) {
        static Connection open() {
            final ModifiableDefaultPermissions permissions = new RecordingPermissions();
            final List<Object> interceptors = new ArrayList<>();
            final ClientContext context = FakeClientContext.of(permissions, interceptors);
            return new Connection(permissions, interceptors, context);
        }
    }

    private final ConnectedClients clients = new ConnectedClients();

    @Test
    void aGrantCountsForItsClientIdOnlyOnceItsOwnConnectionIsInitialised() {
        final Connection first = Connection.open();
        final ConnectedClients.Grant grant = clients.register("app-1", ALICE, AccessPlan.NONE, true,
                Optional.empty(), first.permissions());
        assertNull(clients.get("app-1"), "not before its connection is initialised");
        // live changes reach it while it waits
        assertEquals(List.of(grant), clients.affectedBy(new ChangeSet(Set.of("account:7"), Set.of(), false, false)).get(ALICE.principal()));

        // another connection with the same client id (e.g. a takeover attempt) does not pick it up
        assertNull(clients.activate("app-1", Connection.open().context()));
        assertSame(grant, clients.activate("app-1", first.context()));
        assertSame(grant, clients.get("app-1"));
        assertEquals(List.of(grant), clients.affectedBy(new ChangeSet(Set.of("account:7"), Set.of(), false, false)).get(ALICE.principal()));
        // the connection holds its grant; the registry does not keep it alive on its own
        assertTrue(first.interceptors().stream().anyMatch(DisconnectInboundInterceptor.class::isInstance));
    }

    @Test
    void theConnectionThatIsInitialisedLastOwnsTheClientId() {
        final Connection old = Connection.open();
        final Connection successor = Connection.open();
        final ConnectedClients.Grant oldGrant = clients.register("app-2", ALICE, AccessPlan.NONE, false,
                Optional.empty(), old.permissions());
        clients.activate("app-2", old.context());
        final ConnectedClients.Grant newGrant = clients.register("app-2", ALICE, AccessPlan.NONE, false,
                Optional.empty(), successor.permissions());
        assertSame(oldGrant, clients.get("app-2"), "the successor is not initialised yet");
        clients.activate("app-2", successor.context());
        assertSame(newGrant, clients.get("app-2"));
    }

    @Test
    void aWithdrawnGrantIsGoneAndAGuardAskedForEarlyIsAddedOnInitialisation() {
        final Connection refused = Connection.open();
        final ConnectedClients.Grant withdrawn = clients.register("app-3", ALICE, AccessPlan.NONE, true,
                Optional.empty(), refused.permissions());
        clients.withdraw(withdrawn);
        assertNull(clients.activate("app-3", refused.context()));
        assertTrue(clients.affectedBy(new ChangeSet(Set.of("account:7"), Set.of(), false, false)).isEmpty());

        final Connection connection = Connection.open();
        final ConnectedClients.Grant grant = clients.register("app-4", ALICE, AccessPlan.NONE, true,
                Optional.empty(), connection.permissions());
        grant.guardOutbound();
        grant.guardOutbound(); // at most once
        clients.activate("app-4", connection.context());
        assertEquals(1, connection.interceptors().stream().filter(PublishOutboundInterceptor.class::isInstance)
                .count());
        assertInstanceOf(OutboundTopicGuard.class, connection.interceptors().stream()
                .filter(PublishOutboundInterceptor.class::isInstance).findFirst().orElseThrow());
    }

    @Test
    void aResumedSessionsGuardGoesWhenReleasedUnlessTheConnectionLostRightsMeanwhile() {
        final Connection resumed = Connection.open();
        final ConnectedClients.Grant grant = clients.register("app-5", ALICE, AccessPlan.NONE, false,
                Optional.empty(), resumed.permissions());
        clients.activate("app-5", resumed.context());
        grant.guardUntilReleased();
        assertEquals(1, guards(resumed));
        grant.releaseGuard(); // its subscriptions showed nothing was ever taken away
        assertEquals(0, guards(resumed));
        assertFalse(grant.guarded());

        final Connection narrowed = Connection.open();
        final ConnectedClients.Grant other = clients.register("app-6", ALICE, AccessPlan.NONE, false,
                Optional.empty(), narrowed.permissions());
        clients.activate("app-6", narrowed.context());
        other.guardUntilReleased();
        other.guardOutbound(); // a live change took rights away before the subscriptions were read
        other.releaseGuard();
        assertEquals(1, guards(narrowed), "a connection that lost rights keeps its guard");
        assertTrue(other.guarded());
    }

    private static long guards(final Connection connection) {
        return connection.interceptors().stream().filter(OutboundTopicGuard.class::isInstance).count();
    }

    @Test
    void aWithdrawnGrantNoLongerTouchesTheConnectionsPermissions() {
        final Connection connection = Connection.open();
        final ConnectedClients clients = new ConnectedClients();
        final ConnectedClients.Grant grant = clients.register("app-7", ALICE, AccessPlan.NONE, true, Optional.empty(),
                connection.permissions());
        clients.withdraw(grant);
        // a refresher that took its snapshot before the withdrawal still holds the grant
        grant.updatePlan(new AccessPlan(Permissions.NONE, List.of(),
                new long[]{3L}));
        assertEquals(AccessPlan.NONE, grant.plan(), "a withdrawn grant is not updated");
        assertTrue(clients.affectedBy(new ChangeSet(Set.of("account:7"), Set.of(), false, false)).isEmpty());
    }
}
