package com.accountauth.extension.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;

/**
 * Lets go of what the JDBC drivers in the extension's jar registered JVM-wide when it stops: HiveMQ can stop and start
 * an extension without a JVM restart (its DISABLED file, an update), and each start gets a new class loader. A driver
 * left in {@link DriverManager} and MySQL Connector/J's abandoned-connection cleanup thread (one per class loader that
 * loaded the driver) each keep the whole stopped extension in the heap, and the thread runs for ever.
 */
public final class JdbcDriverRelease {

    private static final Logger log = LoggerFactory.getLogger(JdbcDriverRelease.class);

    private JdbcDriverRelease() {
    }

    /** Deregisters the drivers this extension's class loader loaded and stops Connector/J's cleanup thread. */
    public static void release() {
        final ClassLoader ours = JdbcDriverRelease.class.getClassLoader();
        for (final Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == ours) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (final SQLException | SecurityException e) {
                    log.debug("account-auth: could not deregister {}: {}", driver.getClass().getName(), e.toString());
                }
            }
        }
        try {
            Class.forName("com.mysql.cj.jdbc.AbandonedConnectionCleanupThread", false, ours)
                    .getMethod("checkedShutdown").invoke(null);
        } catch (final ClassNotFoundException e) {
            // another driver (the test broker's H2): nothing of Connector/J's to stop
        } catch (final ReflectiveOperationException | LinkageError e) {
            log.debug("account-auth: could not stop Connector/J's cleanup thread: {}", e.toString());
        }
    }
}
