package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.MariaDbServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fixed cast of the randomized test: devices and users (changed at random, deleted and re-created with the same
 * id), and one service account that is never changed (it probes and observes). Also turns a topic back into the
 * device it belongs to, as the checker needs to judge a delivery.
 */
final class RandomPopulation {

    static final String VENDOR = "orbweb";
    static final String MODEL = "ipcam";
    static final long SERVICE_ID = 9000;

    /** A topic of a known device: its id and the event level (e.g. {@code command}). */
    record DeviceTopic(long deviceId, String event) {
    }

    final List<Who> devices = new ArrayList<>();
    final List<Who> users = new ArrayList<>();
    final Who service = new Who(Who.Kind.SERVICE, SERVICE_ID, "svc@random.example", null);
    private final Map<String, Long> deviceIdByUid = new HashMap<>();

    RandomPopulation(final int deviceCount, final int userCount) {
        for (int i = 1; i <= deviceCount; i++) {
            final String uid = String.format("RNDUID%05d", i);
            devices.add(new Who(Who.Kind.DEVICE, i, String.format("02:00:00:00:%02X:%02X", i / 256, i % 256), uid));
            deviceIdByUid.put(uid, (long) i);
        }
        for (int i = 1; i <= userCount; i++) {
            users.add(new Who(Who.Kind.USER, i, "user" + i + "@random.example", null));
        }
    }

    Who device(final long id) {
        return devices.get((int) id - 1);
    }

    Who user(final long id) {
        return users.get((int) id - 1);
    }

    static String topic(final Who device, final String event) {
        return "/" + VENDOR + "/" + MODEL + "/" + event + "/" + device.uid();
    }

    /** The device a topic {@code /<vendor>/<model>/<event>/<uid>[/...]} belongs to, if it is one of ours. */
    Optional<DeviceTopic> parse(final String topic) {
        final String[] levels = topic.split("/", -1);
        if (levels.length < 5 || !levels[0].isEmpty() || !VENDOR.equals(levels[1]) || !MODEL.equals(levels[2])) {
            return Optional.empty();
        }
        final Long id = deviceIdByUid.get(levels[4]);
        return id == null ? Optional.empty() : Optional.of(new DeviceTopic(id, levels[3]));
    }

    /** Every principal with its first password; each user owns one device and views another, where there are. */
    void seed(final MariaDbServer db, final PasswordBook passwords) {
        for (final Who d : devices) {
            db.execute("INSERT INTO devices (id, mac, uid, vendor, model, password_hash) VALUES (?,?,?,?,?,?)",
                    d.id(), d.username(), d.uid(), VENDOR, MODEL, passwords.newHash(d));
        }
        for (final Who u : users) {
            db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?,?,?,'user')", u.id(),
                    u.username(), passwords.newHash(u));
        }
        db.execute("INSERT INTO accounts (id, email, password_hash, role) VALUES (?,?,?,'service')", service.id(),
                service.username(), passwords.newHash(service));
        for (final Who u : users) {
            if (!devices.isEmpty()) {
                db.execute("INSERT INTO pairings (account_id, device_id, role) VALUES (?,?,'owner')", u.id(),
                        devices.get((int) (u.id() - 1) % devices.size()).id());
                final long viewed = devices.get((int) u.id() % devices.size()).id();
                db.execute("INSERT IGNORE INTO pairings (account_id, device_id, role) VALUES (?,?,'viewer')",
                        u.id(), viewed);
            }
        }
    }
}
