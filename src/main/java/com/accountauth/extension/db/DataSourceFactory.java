package com.accountauth.extension.db;

import com.accountauth.extension.config.DatabaseSettings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;

import javax.sql.DataSource;
import java.util.Properties;

/**
 * Builds the connection pool. The pool starts without a DB, so a DB that is down at start only delays logins; it is
 * renewed when the DB comes back after an outage ({@link RenewablePool}).
 */
public final class DataSourceFactory {

    private DataSourceFactory() {
    }

    public static RenewablePool create(final DatabaseSettings settings) {
        return new RenewablePool(() -> new HikariDataSource(config(settings)), probe(settings));
    }

    /**
     * A new connection straight from the driver for every {@code getConnection}, for the admin CLI: it waits for
     * the DB as long as the driver does (a pool would give up after its connection timeout, which a cold JVM's first
     * connection can exceed) and fails with the driver's own reason (e.g. "Connection refused").
     */
    public static DataSource unpooled(final DatabaseSettings settings) {
        return probe(settings);
    }

    private static HikariConfig config(final DatabaseSettings settings) {
        final HikariConfig config = new HikariConfig();
        config.setPoolName("account-auth");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setDriverClassName(driverClass(settings));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(settings.connectionTimeoutMillis());
        config.setValidationTimeout(Math.max(250, Math.min(settings.connectionTimeoutMillis(), 1000)));
        config.setAutoCommit(true);
        // do not fail start-up when the DB is down: CONNECTs get 0x88 until it is back
        config.setInitializationFailTimeout(-1);
        return config;
    }

    /** One connection straight from the driver, as the pool makes them, given up after the connection timeout. */
    private static DriverDataSource probe(final DatabaseSettings settings) {
        final Properties properties = new Properties();
        // understood by MySQL Connector/J and the MariaDB driver; a host that drops packets must not hold the feed
        properties.setProperty("connectTimeout", Long.toString(settings.connectionTimeoutMillis()));
        return new DriverDataSource(settings.jdbcUrl(), driverClass(settings), properties, settings.username(),
                settings.password());
    }

    private static String driverClass(final DatabaseSettings settings) {
        // the class literal is relocated with the shaded driver, so DriverManager is never asked
        return settings.driverClass().orElse(com.mysql.cj.jdbc.Driver.class.getName());
    }
}
