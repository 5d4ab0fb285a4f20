package com.accountauth.extension.sync;

import com.accountauth.extension.cache.AccessCaches;
import com.accountauth.extension.db.AccountStoreUnavailableException;
import com.accountauth.extension.db.DeviceRow;
import com.accountauth.extension.db.PreloadedDevice;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalLoader;
import com.accountauth.extension.principal.PrincipalRecord;
import com.accountauth.extension.util.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads device rows and their bound client ids into the caches at start, in pages, so that the reconnect storm after
 * a restart finds them there: a device's CONNECT then costs its password check (microseconds on the fast scheme) and
 * no DB statement. Each page is stamped with the change generation before it is read, like any load, so a change
 * applied meanwhile makes its devices stale, not wrong. Once every device is read with no change in between, the
 * client ids bound to devices are also known not to be another device's MAC or uid (the reservation a CONNECT with
 * such an id asks about). Runs once, on the upkeep thread, never on a broker thread; a failure only logs: CONNECTs
 * then load as without it.
 */
public final class DevicePreload implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(DevicePreload.class);
    /** Devices per statement: a few hundred KB of rows, a few ms of the DB. */
    static final int PAGE = 1000;

    /** A page of devices after a devices.id, in id order ({@code AccountRepository#devicesToPreload}). */
    @FunctionalInterface
    public interface Pages {
        List<PreloadedDevice> after(long afterId, int limit) throws AccountStoreUnavailableException;
    }

    private final Pages pages;
    private final PrincipalLoader loader;
    private final AccessCaches caches;
    private final long maxDevices;

    public DevicePreload(final Pages pages, final PrincipalLoader loader, final AccessCaches caches,
                         final long maxDevices) {
        this.pages = pages;
        this.loader = loader;
        this.caches = caches;
        this.maxDevices = maxDevices;
    }

    /** What one run read and cached. */
    record Outcome(int read, int cached, int clientIds, boolean complete, int reservationsKnown) {
    }

    @Override
    public void run() {
        final long start = System.nanoTime();
        try {
            final Outcome outcome = preload();
            log.info("account-auth: preloaded {} of {} device row(s) read and {} bound client id(s) into the cache " +
                            "in {} ms{}", outcome.cached(), outcome.read(), outcome.clientIds(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), outcome.complete() ?
                            "; " + outcome.reservationsKnown() + " of those client ids known to be no device's MAC " +
                                    "or uid" : "; stopped at <cache><preload-devices> " + maxDevices);
        } catch (final AccountStoreUnavailableException | RuntimeException e) {
            log.warn("account-auth: preloading devices stopped, the rest load at their CONNECT: {}", e.getMessage());
        }
    }

    Outcome preload() throws AccountStoreUnavailableException {
        final long firstReadAt = caches.now();
        // lower-cased: a DB collation may compare MACs and uids without case (and so over-match, never under-match)
        final Set<String> deviceIds = new HashSet<>();
        final List<String> boundClientIds = new ArrayList<>();
        long afterId = 0;
        int read = 0;
        int cached = 0;
        boolean complete = false;
        while (read < maxDevices && !Thread.currentThread().isInterrupted()) {
            final int limit = (int) Math.min(PAGE, maxDevices - read);
            final long readAt = caches.now();
            final List<PreloadedDevice> page = pages.after(afterId, limit);
            for (final PreloadedDevice device : page) {
                final DeviceRow row = device.row();
                afterId = Math.max(afterId, row.id());
                read++;
                deviceIds.add(lower(row.uid()));
                final Optional<LoginName> login = UsernameParser.parse(row.mac())
                        .filter(name -> name.kind() == LoginName.Kind.DEVICE);
                if (login.isEmpty()) {
                    // no username reaches this row (nor the cache key it would have); its MAC as stored still
                    // reserves client ids in the DB
                    deviceIds.add(lower(row.mac()));
                    log.debug("account-auth: preload skips device id {}: its mac {} is no MAC username", row.id(),
                            LogSafe.of(row.mac()));
                    continue;
                }
                deviceIds.add(lower(login.get().lookupKey()));
                final PrincipalRecord record = loader.device(row, login.get());
                final AccessPlan plan = loader.plan(record); // a device's plan needs no statement
                if (caches.preloaded(login.get(), record, plan, device.clientIds(), readAt)) {
                    cached++;
                    // a CONNECT with its own id asks no reservation (CredentialChecker): only the others are worth it
                    device.clientIds().stream().filter(id -> !record.isOwnDeviceId(id)).forEach(boundClientIds::add);
                }
            }
            if (page.size() < limit) {
                complete = true;
                break;
            }
        }
        int known = 0;
        // only a read of every device that no change overtook knows that no device has such a MAC or uid
        if (complete && caches.now() == firstReadAt) {
            for (final String clientId : boundClientIds) {
                if (surelyNoDeviceId(clientId, deviceIds)) {
                    caches.reserved(clientId, Optional.empty(), firstReadAt);
                    known++;
                }
            }
        }
        return new Outcome(read, cached, boundClientIds.size(), complete, known);
    }

    /**
     * True when no collation can make the DB find a device by this client id: it is plain printable ASCII without
     * spaces (no accent folding, no trailing-space padding applies), and no device's MAC or uid equals it, ignoring
     * case, also as a MAC in any form a username may take. Anything else is left to the DB at its CONNECT.
     */
    private static boolean surelyNoDeviceId(final String clientId, final Set<String> deviceIds) {
        if (clientId.isEmpty() || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return false;
        }
        if (deviceIds.contains(lower(clientId))) {
            return false;
        }
        return UsernameParser.parse(clientId).filter(name -> name.kind() == LoginName.Kind.DEVICE)
                .map(name -> !deviceIds.contains(lower(name.lookupKey()))).orElse(true);
    }

    private static String lower(final String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }
}
