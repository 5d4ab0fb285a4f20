package com.accountauth.extension.config;

/**
 * {@code <cache>}: what is kept in memory so that reconnects cost no DB query and no bcrypt check. Live changes
 * invalidate entries at once; the lifetimes only bound how long an entry is trusted when no change arrives (e.g.
 * with live changes off). Defaults are sized for 100,000 devices and their users.
 *
 * @param maxPrincipals        {@code <max-principals>}: device and account rows. Default 200000
 * @param principalTtlSeconds  {@code <principal-ttl-seconds>}: lifetime of a row, its access plan and a verified
 *                             credential. Default 3600
 * @param unknownTtlSeconds    {@code <unknown-ttl-seconds>}: lifetime of "no such username". Default 30
 * @param maxCredentials       {@code <max-credentials>}: 0 remembers no verified password; any other value remembers
 *                             the last one per cached principal (as a digest). Default 200000
 * @param maxClientIds         {@code <max-client-ids>}: known owners of client ids besides the one each cached
 *                             principal keeps with its row, and as many answers to whether a client id is a
 *                             device's MAC or uid. Default 400000
 * @param preloadDevices       {@code <preload-devices>}: device rows (with their bound client ids) read into the
 *                             caches at start, so that the reconnect storm after a restart costs no DB statement per
 *                             device; at most {@code maxPrincipals}; 0 reads none. Default 100000
 */
public record CacheSettings(long maxPrincipals, long principalTtlSeconds, long unknownTtlSeconds,
                            long maxCredentials, long maxClientIds, long preloadDevices) {

    /** Settings that preload nothing (tests of the caches alone). */
    public CacheSettings(final long maxPrincipals, final long principalTtlSeconds, final long unknownTtlSeconds,
                         final long maxCredentials, final long maxClientIds) {
        this(maxPrincipals, principalTtlSeconds, unknownTtlSeconds, maxCredentials, maxClientIds, 0);
    }

    /** The devices to read at start: {@code <preload-devices>}, never more than the cache holds. */
    public long devicesToPreload() {
        return Math.min(preloadDevices, maxPrincipals);
    }

    public static final int DEFAULT_MAX_PRINCIPALS = ConfigElements.MAX_PRINCIPALS.defaultValue();
    public static final int DEFAULT_PRINCIPAL_TTL_SECONDS = ConfigElements.PRINCIPAL_TTL_SECONDS.defaultValue();
    public static final int DEFAULT_UNKNOWN_TTL_SECONDS = ConfigElements.UNKNOWN_TTL_SECONDS.defaultValue();
    public static final int DEFAULT_MAX_CREDENTIALS = ConfigElements.MAX_CREDENTIALS.defaultValue();
    public static final int DEFAULT_MAX_CLIENT_IDS = ConfigElements.MAX_CLIENT_IDS.defaultValue();
}
