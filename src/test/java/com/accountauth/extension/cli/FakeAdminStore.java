package com.accountauth.extension.cli;

import com.accountauth.extension.acl.DeviceTopicValues;
import com.accountauth.extension.acl.PairedDevice;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.db.AccountRow;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.db.PairedAccount;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The account DB as maps, for the CLI's unit tests; {@link #down} makes every read fail as a dead DB does. */
final class FakeAdminStore implements AdminStore, Backend {

    static final String HASH = "$2a$04$" + "a".repeat(53);

    final Map<Long, AccountRow> accounts = new LinkedHashMap<>();
    final Map<Long, DeviceRow> devices = new LinkedHashMap<>();
    // account id -> device id -> role
    final Map<Long, Map<Long, String>> pairings = new LinkedHashMap<>();
    final Map<String, String> clientIds = new LinkedHashMap<>();
    List<String> queryProblems = List.of();
    boolean down;
    boolean closed;

    void account(final long id, final String email, final String role, final boolean enabled) {
        accounts.put(id, new AccountRow(id, email, Optional.of(HASH), role, enabled, Optional.empty()));
    }

    void device(final long id, final String mac, final String uid, final boolean enabled) {
        devices.put(id, new DeviceRow(id, mac, uid, "acme", "cam", Optional.of(HASH), enabled, Optional.empty()));
    }

    void pair(final long accountId, final long deviceId, final String role) {
        pairings.computeIfAbsent(accountId, k -> new LinkedHashMap<>()).put(deviceId, role);
    }

    private void read() throws AccountStoreUnavailableException {
        if (down) {
            throw new AccountStoreUnavailableException("query <device-by-mac> failed: Connection refused", null);
        }
    }

    /** Client id -> the device ({@code device:<id>}) whose MAC or uid it is. */
    final Map<String, String> reservations = new LinkedHashMap<>();

    @Override
    public Optional<DeviceRow> findDevice(final String mac, final String clientId)
            throws AccountStoreUnavailableException {
        read();
        return devices.values().stream().filter(d -> d.mac().equals(mac)).findFirst();
    }

    @Override
    public Optional<DeviceRow> findDevice(final long id) throws AccountStoreUnavailableException {
        read();
        return Optional.ofNullable(devices.get(id));
    }

    @Override
    public Optional<AccountRow> findAccount(final String email, final String clientId)
            throws AccountStoreUnavailableException {
        read();
        return accounts.values().stream().filter(a -> a.email().equals(email)).findFirst();
    }

    @Override
    public Optional<AccountRow> findAccount(final long id) throws AccountStoreUnavailableException {
        read();
        return Optional.ofNullable(accounts.get(id));
    }

    @Override
    public List<PairedDevice> pairedDevices(final long accountId) throws AccountStoreUnavailableException {
        read();
        final List<PairedDevice> paired = new ArrayList<>();
        pairings.getOrDefault(accountId, Map.of()).forEach((deviceId, role) -> {
            final DeviceRow row = devices.get(deviceId);
            paired.add(new PairedDevice(deviceId, new DeviceTopicValues(row.vendor(), row.model(), row.uid(), null),
                    role, row.enabled()));
        });
        return paired;
    }

    @Override
    public Optional<String> deviceReservingClientId(final String clientId) throws AccountStoreUnavailableException {
        read();
        return Optional.ofNullable(reservations.get(clientId));
    }

    @Override
    public boolean replacePasswordHash(final boolean device, final long principalId, final String oldHash,
                                       final String newHash) {
        throw new UnsupportedOperationException("the admin CLI changes nothing");
    }

    @Override
    public Optional<String> clientIdOwner(final String clientId) throws AccountStoreUnavailableException {
        read();
        return Optional.ofNullable(clientIds.get(clientId));
    }

    @Override
    public List<PairedAccount> accountsPairedToDevice(final long deviceId) throws AccountStoreUnavailableException {
        read();
        final List<PairedAccount> users = new ArrayList<>();
        pairings.forEach((accountId, devicesOf) -> {
            if (devicesOf.containsKey(deviceId)) {
                final AccountRow row = accounts.get(accountId);
                users.add(new PairedAccount(accountId, row.email(), devicesOf.get(deviceId), row.enabled()));
            }
        });
        return users;
    }

    @Override
    public List<String> clientIdsOf(final boolean device, final long principalId)
            throws AccountStoreUnavailableException {
        read();
        final String key = (device ? "device:" : "account:") + principalId;
        return clientIds.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public AdminStore open(final AccountAuthConfig config) {
        return this;
    }

    @Override
    public List<String> checkQueries(final AccountAuthConfig config) {
        return queryProblems;
    }
}
