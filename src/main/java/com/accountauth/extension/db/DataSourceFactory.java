package com.accountauth.extension.db;

import com.accountauth.extension.config.DatabaseSettings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Builds the connection pool. The pool starts without a DB, so a DB that is down at start only delays logins. */
public final class DataSourceFactory {

    private DataSourceFactory() {
    }

    public static HikariDataSource create(final DatabaseSettings settings) {
        final HikariConfig config = new HikariConfig();
        config.setPoolName("account-auth");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        // the class literal is relocated with the shaded driver, so DriverManager is never asked
        config.setDriverClassName(settings.driverClass().orElse(com.mysql.cj.jdbc.Driver.class.getName()));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(settings.connectionTimeoutMillis());
        config.setValidationTimeout(Math.max(250, Math.min(settings.connectionTimeoutMillis(), 1000)));
        config.setAutoCommit(true);
        // do not fail start-up when the DB is down: CONNECTs get 0x88 until it is back
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
