package com.accountauth.extension.auth;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.db.AccountRow;
import com.accountauth.extension.db.AccountStore;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.DeviceRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The account DB as maps, for the authenticator's unit tests: rows can be changed between two reads, a read can be
 * held (to let a live change land while a CONNECT is in flight), and the DB can be down.
 */
final class FakeAccountStore implements AccountStore {

    final Map<Long, AccountRow> accounts = new ConcurrentHashMap<>();
    final Map<Long, DeviceRow> devices = new ConcurrentHashMap<>();
    // account id -> device id -> role
    final Map<Long, Map<Long, String>> pairings = new ConcurrentHashMap<>();
    final Map<String, String> clientIds = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean down;
    // when set, the next read of this kind waits (after reading its answer) until released
    private volatile Hold hold;

    /** A read that waits, holding its answer, until {@link #release()}. */
    static final class Hold {
        final String kind;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        Hold(final String kind) {
            this.kind = kind;
        }

        void awaitReached() throws InterruptedException {
            if (!reached.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the held read (" + kind + ") never came");
            }
        }

        void release() {
            released.countDown();
        }
    }

    /** Holds the next read of this kind: "account", "device", "pairings" or "bind". */
    Hold hold(final String kind) {
        final Hold next = new Hold(kind);
        hold = next;
        return next;
    }

    void account(final long id, final String email, final String hash, final String role, final boolean enabled) {
        accounts.put(id, new AccountRow(id, email, Optional.ofNullable(hash), role, enabled, Optional.empty()));
    }

    void device(final long id, final String mac, final String uid, final String hash, final boolean enabled) {
        devices.put(id, new DeviceRow(id, mac, uid, "orbweb", "ipcam", Optional.ofNullable(hash), enabled,
                Optional.empty()));
    }

    void pair(final long accountId, final long deviceId, final String role) {
        pairings.computeIfAbsent(accountId, id -> new ConcurrentHashMap<>()).put(deviceId, role);
    }

    void unpair(final long accountId, final long deviceId) {
        pairings.getOrDefault(accountId, Map.of()).remove(deviceId);
    }

    private <T> T read(final String kind, final T answer) throws AccountStoreUnavailableException {
        if (down) {
            throw new AccountStoreUnavailableException("fake DB down", null);
        }
        reads.incrementAndGet();
        final Hold current = hold;
        if (current != null && current.kind.equals(kind)) {
            hold = null;
            current.reached.countDown();
            try {
                if (!current.released.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the held read (" + kind + ") was never released");
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return answer;
    }

    @Override
    public Optional<DeviceRow> findDevice(final String mac, final String clientId)
            throws AccountStoreUnavailableException {
        return read("device", devices.values().stream().filter(row -> row.mac().equals(mac)).findFirst());
    }

    @Override
    public Optional<DeviceRow> findDevice(final long id) throws AccountStoreUnavailableException {
        return read("device", Optional.ofNullable(devices.get(id)));
    }

    @Override
    public Optional<AccountRow> findAccount(final String email, final String clientId)
            throws AccountStoreUnavailableException {
        return read("account", accounts.values().stream().filter(row -> row.email().equals(email)).findFirst());
    }

    @Override
    public Optional<AccountRow> findAccount(final long id) throws AccountStoreUnavailableException {
        return read("account", Optional.ofNullable(accounts.get(id)));
    }

    @Override
    public List<PairedDevice> pairedDevices(final long accountId) throws AccountStoreUnavailableException {
        final List<PairedDevice> paired = new ArrayList<>();
        pairings.getOrDefault(accountId, Map.of()).forEach((deviceId, role) -> {
            final DeviceRow row = devices.get(deviceId);
            paired.add(new PairedDevice(deviceId, new DeviceTopicValues(row.vendor(), row.model(), row.uid(), null),
                    role, row.enabled()));
        });
        return read("pairings", paired);
    }

    @Override
    public Optional<String> bindClientId(final String clientId, final boolean device, final long principalId,
                                         final boolean knownUnbound) throws AccountStoreUnavailableException {
        final String owner = clientIds.computeIfAbsent(clientId, id -> (device ? "device:" : "account:") + principalId);
        return read("bind", Optional.of(owner));
    }

    @Override
    public Optional<String> deviceReservingClientId(final String clientId) throws AccountStoreUnavailableException {
        final Optional<String> asMac = UsernameParser.parse(clientId)
                .filter(login -> login.kind() == LoginName.Kind.DEVICE).map(LoginName::lookupKey);
        return read("reservation", devices.values().stream()
                .filter(row -> row.uid().equals(clientId) || asMac.map(row.mac()::equals).orElse(false))
                .map(row -> "device:" + row.id()).findFirst());
    }

    @Override
    public boolean replacePasswordHash(final boolean device, final long principalId, final String oldHash,
                                       final String newHash) throws AccountStoreUnavailableException {
        read("update-password", null);
        if (device) {
            final DeviceRow row = devices.get(principalId);
            if (row == null || !row.passwordHash().equals(Optional.of(oldHash))) {
                return false;
            }
            devices.put(principalId, new DeviceRow(row.id(), row.mac(), row.uid(), row.vendor(), row.model(),
                    Optional.of(newHash), row.enabled(), Optional.empty()));
            return true;
        }
        final AccountRow row = accounts.get(principalId);
        if (row == null || !row.passwordHash().equals(Optional.of(oldHash))) {
            return false;
        }
        accounts.put(principalId, new AccountRow(row.id(), row.email(), Optional.of(newHash), row.role(),
                row.enabled(), Optional.empty()));
        return true;
    }
}
