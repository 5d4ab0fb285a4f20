package com.accountauth.extension.config;

import java.util.Optional;

/**
 * {@code <database>}: where the account DB is and how the pool talks to it.
 *
 * @param jdbcUrl                 {@code <jdbc-url>}, required
 * @param username                {@code <username>}, required
 * @param password                {@code <password>}, default empty; never logged
 * @param driverClass             {@code <driver-class>}, default: the bundled MySQL Connector/J
 * @param poolSize                {@code <pool-size>}, connections, default 8
 * @param connectionTimeoutMillis {@code <connection-timeout-millis>}, wait for a connection, default 2000, min 250
 * @param queryTimeoutSeconds     {@code <query-timeout-seconds>}, longest one query may run, default 2
 * @param outageGraceSeconds      {@code <outage-grace-seconds>}: while the DB cannot be reached, CONNECTs decided
 *                                from the cache are admitted for this long from the first failed attempt, then
 *                                refused with 0x88 until the DB answers again; 0 refuses them at once. Connected
 *                                clients keep their rights meanwhile. Default 300
 */
public record DatabaseSettings(String jdbcUrl, String username, String password, Optional<String> driverClass,
                               int poolSize, long connectionTimeoutMillis, int queryTimeoutSeconds,
                               long outageGraceSeconds) {

    public static final int DEFAULT_POOL_SIZE = ConfigElements.POOL_SIZE.defaultValue();
    public static final long DEFAULT_CONNECTION_TIMEOUT_MILLIS =
            ConfigElements.CONNECTION_TIMEOUT_MILLIS.defaultValue();
    public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = ConfigElements.QUERY_TIMEOUT_SECONDS.defaultValue();
    public static final int DEFAULT_OUTAGE_GRACE_SECONDS = ConfigElements.OUTAGE_GRACE_SECONDS.defaultValue();

    @Override
    public String toString() {
        // the password stays out of every log line, also one written into the URL
        return "DatabaseSettings[jdbcUrl=" + LoggableJdbcUrl.of(jdbcUrl) + ", username=" + username +
                ", driverClass=" + driverClass.orElse("<bundled MySQL>") + ", poolSize=" + poolSize +
                ", connectionTimeoutMillis=" + connectionTimeoutMillis + ", queryTimeoutSeconds=" + queryTimeoutSeconds +
                ", outageGraceSeconds=" + outageGraceSeconds + "]";
    }
}
