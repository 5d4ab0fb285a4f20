package com.accountauth.extension.sync;

import com.accountauth.extension.acl.PermissionPlanner;
import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.cache.CachedPrincipal;
import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.config.CacheSettings;
import com.accountauth.extension.config.ConfigLoader;
import com.accountauth.extension.db.ChangeSet;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.db.PreloadedDevice;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.principal.PrincipalLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The preload at start: pages of devices into the caches, nothing a change overtook while it read, and the
 * reservations of bound client ids only from a complete read no change overtook.
 */
class DevicePreloadTest {

    private static PrincipalLoader loader;

    private final AccessCaches caches = new AccessCaches(new CacheSettings(100_000, 3600, 30, 1000, 100_000),
            Duration.ofSeconds(30));

    @BeforeAll
    static void loadConfig() throws Exception {
        final AccountAuthConfig config = new ConfigLoader(name -> name.contains("URL") ?
                "jdbc:mysql://127.0.0.1:3306/accounts" : "test").load(Path.of("conf/config.xml"));
        // a device's plan needs no statement: no store at all
        loader = new PrincipalLoader(null, new PermissionPlanner(config.permissions(), config.autoSubscribe()));
    }

    private static String mac(final int i) {
        return String.format("00:1B:FE:%02X:%02X:%02X", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    }

    /** Devices 1..n, device i with uid UID-i and the client id cam-i bound to it. */
    private static List<PreloadedDevice> devices(final int n) {
        final List<PreloadedDevice> devices = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            devices.add(new PreloadedDevice(new DeviceRow(i, mac(i), "UID-" + i, "orbweb", "ipcam",
                    Optional.of("$2a$04$x"), true, Optional.empty()), List.of("cam-" + i)));
        }
        return devices;
    }

    /** Pages of the list as the statement gives them; {@code during} runs while page {@code atPage} is read. */
    private static DevicePreload.Pages pagesOf(final List<PreloadedDevice> devices, final int atPage,
                                               final Runnable during) {
        final int[] page = {0};
        return (afterId, limit) -> {
            page[0]++;
            final List<PreloadedDevice> result = devices.stream().filter(d -> d.row().id() > afterId).limit(limit)
                    .toList();
            if (page[0] == atPage) {
                during.run(); // after the rows were read, before the caches take them
            }
            return result;
        };
    }

    private static LoginName login(final int i) {
        return UsernameParser.parse(mac(i)).orElseThrow();
    }

    private Optional<CachedPrincipal> cached(final int i) {
        return caches.principalIfCached(login(i));
    }

    @Test
    void everyDeviceIsCachedWithItsPlanAndItsBoundClientId() throws Exception {
        final DevicePreload.Outcome outcome = new DevicePreload(pagesOf(devices(2500), 0, () -> { }), loader, caches,
                100_000).preload();
        assertEquals(new DevicePreload.Outcome(2500, 2500, 2500, true, 2500), outcome);
        for (final int i : new int[]{1, 1000, 1001, 2500}) {
            final CachedPrincipal entry = cached(i).orElseThrow(() -> new AssertionError("device " + i));
            assertEquals("device:" + i, entry.record().principal().key());
            assertTrue(caches.planIfCached(entry).isPresent());
            assertEquals(Optional.of("device:" + i), caches.clientIdOwnerIfCached(entry, "cam-" + i));
            // cam-i is no device's MAC or uid: a CONNECT with it needs no reservation statement
            assertEquals(Optional.of(Optional.empty()), caches.reservationIfCached("cam-" + i));
        }
    }

    @Test
    void theLimitStopsTheReadAndLeavesReservationsToTheDb() throws Exception {
        final DevicePreload.Outcome outcome = new DevicePreload(pagesOf(devices(2500), 0, () -> { }), loader, caches,
                1200).preload();
        assertEquals(new DevicePreload.Outcome(1200, 1200, 1200, false, 0), outcome);
        assertTrue(cached(1200).isPresent());
        assertFalse(cached(1201).isPresent());
        // a device past the limit may have cam-1 as its uid: not read, so not known
        assertEquals(Optional.empty(), caches.reservationIfCached("cam-1"));
    }

    @Test
    void aDeviceChangedWhileItsPageWasReadIsLeftToItsConnect() throws Exception {
        // the change is applied (numbered) after page 2's rows were read: device 1500 may be read as before it
        final ChangeSet changed = new ChangeSet(Set.of("device:1500"), Set.of(1500L), false, false);
        final DevicePreload.Outcome outcome = new DevicePreload(pagesOf(devices(2500), 2,
                () -> caches.invalidate(changed)), loader, caches, 100_000).preload();
        assertEquals(2499, outcome.cached());
        assertFalse(cached(1500).isPresent(), "the row read before the change is not trusted");
        assertTrue(cached(1499).isPresent(), "the other devices of the page are untouched by the change");
        // and with a change during the read nothing says which client ids are reserved
        assertEquals(0, outcome.reservationsKnown());
        assertEquals(Optional.empty(), caches.reservationIfCached("cam-1"));
    }

    @Test
    void aClientIdThatMayBeADevicesIdInTheDbIsNotKnownAsNoOnes() throws Exception {
        final List<PreloadedDevice> devices = new ArrayList<>(devices(3));
        // bound to device 1: device 2's uid in another case, device 3's MAC in another form, an accented one
        devices.set(0, new PreloadedDevice(devices.get(0).row(), List.of("uid-2", "00-1b-fe-00-00-03", "caméra",
                "cam 1", "cam-1")));
        final DevicePreload.Outcome outcome = new DevicePreload(pagesOf(devices, 0, () -> { }), loader, caches,
                100_000).preload();
        assertEquals(1 + 2, outcome.reservationsKnown(), outcome.toString());
        for (final String unsure : List.of("uid-2", "00-1b-fe-00-00-03", "caméra", "cam 1")) {
            assertEquals(Optional.empty(), caches.reservationIfCached(unsure), unsure);
        }
        assertEquals(Optional.of(Optional.empty()), caches.reservationIfCached("cam-1"));
    }

    @Test
    void aDeviceAConnectLoadedFirstKeepsThatEntry() throws Exception {
        final CachedPrincipal loaded = caches.principal(login(7), readAt -> Optional.of(caches.entry(
                loader.device(new DeviceRow(7, mac(7), "UID-7", "orbweb", "ipcam", Optional.of("$2a$04$new"), true,
                        Optional.empty()), login(7)), Optional.empty(), readAt))).orElseThrow();
        final DevicePreload.Outcome outcome = new DevicePreload(pagesOf(devices(10), 0, () -> { }), loader, caches,
                100_000).preload();
        assertEquals(9, outcome.cached());
        assertEquals(Optional.of(loaded), cached(7));
        assertEquals("$2a$04$new", cached(7).orElseThrow().record().passwordHash());
    }

    @Test
    void aRowWhoseMacIsNoUsernameIsSkipped() throws Exception {
        final List<PreloadedDevice> devices = List.of(new PreloadedDevice(new DeviceRow(1, "not-a-mac", "UID-1",
                "orbweb", "ipcam", Optional.of("$2a$04$x"), true, Optional.empty()), List.of("cam-1")));
        final DevicePreload.Outcome outcome = new DevicePreload(pagesOf(devices, 0, () -> { }), loader, caches,
                100_000).preload();
        assertEquals(Map.of("read", 1, "cached", 0), Map.of("read", outcome.read(), "cached", outcome.cached()));
    }
}
