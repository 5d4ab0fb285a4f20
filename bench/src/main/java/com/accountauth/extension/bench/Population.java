package com.accountauth.extension.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's principals: N devices and N/2 users, user j owning devices 2j and 2j+1 (or N/k users owning k
 * devices each), plus one "crowd" user (a viewer of devices 0 and 1) that stays unconnected until the "100 clients of
 * one account" scenario. Every principal
 * has one client id, bound to it in the DB before the broker starts (as after a restart).
 */
final class Population {

    static final String VENDOR = "orbweb";
    static final String MODEL = "ipcam";
    static final String DEVICE_PASSWORD = "bench-device-pass";
    static final String USER_PASSWORD = "bench-user-pass";
    static final String CROWD_EMAIL = "crowd@bench.example";

    /** A device: row id = index + 1. */
    record Device(int index, String mac, String uid, String clientId) {

        long id() {
            return index + 1L;
        }

        String topic(final String event) {
            return "/" + VENDOR + "/" + MODEL + "/" + event + "/" + uid;
        }

        /**
         * What account-auth subscribes a device's session to (its command topics): the shipped config names
         * '/v/m/command/uid' and '/v/m/command/uid/#', and the second covers the first.
         */
        List<String> autoSubscriptions() {
            return List.of(topic("command") + "/#");
        }

        /** What a paired user's session is subscribed to for this device (likewise one of two filters). */
        List<String> pairedSubscriptions() {
            return List.of(topic("+") + "/#");
        }

        /** What an app written before server-side subscriptions subscribes to itself for this device. */
        String appSubscription() {
            return topic("+");
        }
    }

    /** A user: row id = index + 1. */
    record User(int index, String email, String clientId, List<Device> devices) {

        long id() {
            return index + 1L;
        }

        List<String> autoSubscriptions() {
            final List<String> filters = new ArrayList<>();
            devices.forEach(device -> filters.addAll(device.pairedSubscriptions()));
            return filters;
        }

        List<String> appSubscriptions() {
            return devices.stream().map(Device::appSubscription).toList();
        }
    }

    /** One MQTT client of the storms: a device or a user. */
    record Login(String clientId, String username, String password, List<String> autoSubscriptions) {
    }

    final List<Device> devices;
    final List<User> users;
    final User crowd;
    final int devicesPerUser;
    /**
     * N more devices, on the fast scheme for machine secrets, each with a secret of its own ({@code fastSecrets}),
     * row ids after the others', unpaired: {@link FastSchemeStorm}'s.
     */
    final List<Device> fastDevices;
    final List<String> fastSecrets;

    Population(final int n) {
        this(n, 2);
    }

    Population(final int n, final int devicesPerUser) {
        this.devicesPerUser = devicesPerUser;
        final List<Device> d = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final String hex = String.format("%06X", i);
            final String mac = "02:BE:00:" + hex.substring(0, 2) + ":" + hex.substring(2, 4) + ":" + hex.substring(4);
            d.add(new Device(i, mac, String.format("BENCH%015d", i), String.format("dev-%06d", i)));
        }
        final List<User> u = new ArrayList<>(n / devicesPerUser);
        for (int j = 0; j < n / devicesPerUser; j++) {
            u.add(new User(j, String.format("user%06d@bench.example", j), String.format("usr-%06d", j),
                    List.copyOf(d.subList(devicesPerUser * j, devicesPerUser * (j + 1)))));
        }
        devices = List.copyOf(d);
        users = List.copyOf(u);
        final List<Device> fast = new ArrayList<>(n);
        final List<String> secrets = new ArrayList<>(n);
        final String run = Long.toHexString(new SecureRandom().nextLong());
        for (int i = 0; i < n; i++) {
            final String hex = String.format("%06X", i);
            final String mac = "02:FA:00:" + hex.substring(0, 2) + ":" + hex.substring(2, 4) + ":" + hex.substring(4);
            fast.add(new Device(n + i, mac, String.format("FAST%016d", i), String.format("fst-%06d", i)));
            secrets.add("fast-secret-" + i + "-" + run); // random enough for a benchmark, unlike a device's real one
        }
        fastDevices = List.copyOf(fast);
        fastSecrets = List.copyOf(secrets);
        crowd = new User(users.size(), CROWD_EMAIL, "crowd", List.of(d.get(0), d.get(1)));
    }

    /** Every device and user, interleaved as they would reconnect: user j after its devices. */
    List<Login> everyone() {
        final List<Login> logins = new ArrayList<>(devices.size() + users.size());
        for (int i = 0; i < devices.size(); i++) {
            logins.add(login(devices.get(i)));
            if (i % devicesPerUser == devicesPerUser - 1 && i / devicesPerUser < users.size()) {
                logins.add(login(users.get(i / devicesPerUser)));
            }
        }
        return logins;
    }

    /** The fast-scheme devices, each with its own secret. */
    List<Login> fastLogins() {
        final List<Login> logins = new ArrayList<>(fastDevices.size());
        for (int i = 0; i < fastDevices.size(); i++) {
            final Device device = fastDevices.get(i);
            logins.add(new Login(device.clientId(), device.mac(), fastSecrets.get(i), device.autoSubscriptions()));
        }
        return logins;
    }

    static Login login(final Device device) {
        return new Login(device.clientId(), device.mac(), DEVICE_PASSWORD, device.autoSubscriptions());
    }

    static Login login(final User user) {
        return new Login(user.clientId(), user.email(), USER_PASSWORD, user.autoSubscriptions());
    }
}
