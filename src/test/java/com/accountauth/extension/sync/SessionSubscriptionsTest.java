package com.accountauth.extension.sync;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.acl.TopicFilter;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.testsupport.FakeClientContext;
import com.accountauth.extension.testsupport.RecordingPermissions;
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orderings of a session's subscription changes that the broker makes rare: a change made for a client id's
 * previous connection that lands, late, in the session of the next one (issue 14, found by the randomized live-change
 * test: a clean session kept receiving an unpaired device's messages for seconds).
 */
class SessionSubscriptionsTest {

    private static final PrincipalRecord ALICE = new PrincipalRecord(
            new Principal(Principal.Kind.USER, 7, "alice@example.com"), "$2a$04$hash", true, Optional.empty(), null);
    private static final String DEVICE_4 = "/orbweb/ipcam/+/UID4/#";
    private static final String DEVICE_5 = "/orbweb/ipcam/+/UID5/#";
    private static final long TIMEOUT_MILLIS = 200;

    /** Sessions by client id; add calls can be held, to land when the test says. */
    private static final class HeldStore implements SessionStore {
        final Map<String, Set<String>> sessions = new ConcurrentHashMap<>();
        final List<Runnable> heldAdds = new CopyOnWriteArrayList<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean holdAdds;
        // > 0: every answer comes from another thread this much later, as the broker's store answers
        volatile long answerAfterMillis;

        private <T> CompletableFuture<T> answer(final T value) {
            if (answerAfterMillis == 0) {
                return CompletableFuture.completedFuture(value);
            }
            return CompletableFuture.supplyAsync(() -> value,
                    CompletableFuture.delayedExecutor(answerAfterMillis, TimeUnit.MILLISECONDS));
        }

        void cleanStart(final String clientId) {
            sessions.put(clientId, ConcurrentHashMap.newKeySet());
        }

        Set<String> session(final String clientId) {
            return sessions.computeIfAbsent(clientId, id -> ConcurrentHashMap.newKeySet());
        }

        @Override
        public CompletableFuture<Set<String>> filters(final String clientId) {
            calls.add("filters");
            return answer(Set.copyOf(session(clientId)));
        }

        @Override
        public CompletableFuture<Void> add(final String clientId, final Set<String> filters, final Qos qos) {
            calls.add("add " + new java.util.TreeSet<>(filters));
            if (!holdAdds) {
                session(clientId).addAll(filters);
                return answer(null);
            }
            final CompletableFuture<Void> done = new CompletableFuture<>();
            // lands in whatever session the client id has when it is let go, as HiveMQ's store does
            heldAdds.add(() -> {
                session(clientId).addAll(filters);
                done.complete(null);
            });
            return done;
        }

        @Override
        public CompletableFuture<Void> remove(final String clientId, final Set<String> filters) {
            calls.add("remove " + new java.util.TreeSet<>(filters));
            session(clientId).removeAll(filters);
            return answer(null);
        }
    }

    private final ConnectedClients clients = new ConnectedClients();
    private final HeldStore store = new HeldStore();
    private final SessionSubscriptions subscriptions = new SessionSubscriptions(clients, store, TIMEOUT_MILLIS);

    @Test
    void aNewSessionIsGuardedOnlyUntilItHoldsWhatItsPlanSays() throws Exception {
        final ConnectedClients.Grant grant = connect("app", plan(DEVICE_4, DEVICE_5), true);
        subscriptions.connected(grant);
        awaitTrue(() -> !grant.guarded(), "the guard goes once the session is in line");
        assertEquals(Set.of(DEVICE_4, DEVICE_5), store.session("app"));
    }

    @Test
    void theGuardGoesAlsoWhenTheStoreAnswersLaterFromItsOwnThreads() throws Exception {
        // the broker's store completes its futures later, on its own threads: whoever waits for a call must find
        // it ended, or every session would stay guarded (a task per message for every client)
        store.answerAfterMillis = 20;
        for (int i = 0; i < 20; i++) {
            final ConnectedClients.Grant grant = connect("app-" + i, plan(DEVICE_4, DEVICE_5), true);
            subscriptions.connected(grant);
            awaitTrue(() -> !grant.guarded(), "the guard of app-" + i + " goes once its session is in line");
        }
    }

    @Test
    void aSessionThatHeldWhatItMayNoLongerReceiveIsMarkedAndStaysGuarded() throws Exception {
        store.session("app").add(DEVICE_4);
        final ConnectedClients.Grant grant = connect("app", plan(DEVICE_5), false);
        subscriptions.connected(grant);
        awaitTrue(() -> store.session("app").contains(SessionSubscriptions.REVOKED_MARK), "marked");
        assertEquals(Set.of(DEVICE_5, SessionSubscriptions.REVOKED_MARK), store.session("app"));
        Thread.sleep(3 * TIMEOUT_MILLIS);
        assertTrue(grant.guarded(), "its queue may hold messages of the subscription that went");
    }

    @Test
    void aChangeForThePreviousConnectionThatLandsLateInTheNewSessionIsUndoneAndTheNewConnectionStaysGuarded()
            throws Exception {
        // the previous connection may see device 4; its subscriptions are being added when it goes
        store.holdAdds = true;
        final ConnectedClients.Grant old = connect("app", plan(DEVICE_4), true);
        subscriptions.connected(old);
        awaitTrue(() -> store.heldAdds.size() == 1, "the old connection's add is out");

        // the client id comes back with a clean start after device 4 was unpaired
        store.holdAdds = false;
        store.cleanStart("app");
        final ConnectedClients.Grant now = connect("app", plan(DEVICE_5), true);
        subscriptions.connected(now);
        awaitTrue(() -> store.session("app").contains(DEVICE_5), "the new connection's own subscription");
        Thread.sleep(12 * TIMEOUT_MILLIS); // both changes have given up on the held call by now
        assertTrue(now.guarded(), "a call for the client id is still out: what leaves for it is checked");

        // the old add lands in the new session at last
        store.heldAdds.forEach(Runnable::run);
        awaitTrue(() -> !store.session("app").contains(DEVICE_4), "what the old plan added is taken away again");
        assertEquals(Set.of(DEVICE_5, SessionSubscriptions.REVOKED_MARK), store.session("app"));
        Thread.sleep(3 * TIMEOUT_MILLIS);
        assertTrue(now.guarded(), "device 4's messages may have been queued meanwhile: still checked");
    }

    @Test
    void aSubscriptionTheStoreNoLongerListsIsRemovedWhenThePlanNoLongerAllowsIt() throws Exception {
        final ConnectedClients.Grant old = connect("app", plan(DEVICE_4), true);
        subscriptions.connected(old);
        awaitTrue(() -> store.session("app").contains(DEVICE_4), "subscribed");
        // the broker replaced the session (a clean start) while the add landed: the store no longer lists it, but
        // its topic tree still delivers device 4's messages to the client id
        store.cleanStart("app");
        final ConnectedClients.Grant now = connect("app", plan(DEVICE_5), true);
        subscriptions.connected(now);
        awaitTrue(() -> store.calls.contains("remove [" + DEVICE_4 + "]"), "device 4 removed though not listed");
        Thread.sleep(3 * TIMEOUT_MILLIS);
        assertTrue(now.guarded(), "what device 4's subscription let through meanwhile is checked");
        assertEquals(Set.of(DEVICE_5, SessionSubscriptions.REVOKED_MARK), store.session("app"));
    }

    @Test
    void changesOfOneSessionRunOneAfterTheOther() throws Exception {
        store.holdAdds = true;
        connect("app", plan(DEVICE_4), false);
        subscriptions.apply("app");
        awaitTrue(() -> store.heldAdds.size() == 1, "the first change's add is out");
        // the client id resumes its session with a plan that no longer has device 4
        connect("app", plan(DEVICE_5), false);
        final CompletableFuture<Boolean> second = subscriptions.apply("app");
        Thread.sleep(TIMEOUT_MILLIS / 2);
        // the second has not begun: it would read the session before the first one's add landed
        final List<String> soFar = new ArrayList<>(store.calls);
        assertEquals(List.of("filters", "add [" + DEVICE_4 + "]"), soFar,
                "the second change waits for the first: " + soFar);
        store.holdAdds = false;
        store.heldAdds.forEach(Runnable::run);
        second.get(10, TimeUnit.SECONDS);
        assertEquals(Set.of(DEVICE_5, SessionSubscriptions.REVOKED_MARK), store.session("app"));
        assertFalse(store.session("app").contains(DEVICE_4));
    }

    private ConnectedClients.Grant connect(final String clientId, final AccessPlan plan, final boolean cleanStart) {
        final RecordingPermissions permissions = new RecordingPermissions();
        final ConnectedClients.Grant grant = clients.register(clientId, ALICE, plan, cleanStart, Optional.empty(),
                permissions);
        clients.activate(clientId, context(permissions));
        return grant;
    }

    private static AccessPlan plan(final String... filters) {
        final List<TopicFilter> parsed = new ArrayList<>();
        for (final String filter : filters) {
            parsed.add(TopicFilter.parse(filter).orElseThrow());
        }
        return new AccessPlan(new Permissions(List.of(), parsed), parsed, AccessPlan.NO_DEVICES);
    }

    private static ClientContext context(final RecordingPermissions permissions) {
        return FakeClientContext.of(permissions, new HashSet<>());
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
