package com.accountauth.extension.db;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;

/**
 * The connection pool, renewed when the DB accepts connections again while the pool holds none. Why: after failed
 * attempts, HikariCP 6.3.3's connection adder ({@code HikariPool.PoolEntryCreator}) sleeps between tries, doubling
 * from 10 ms up to 5 s, and nothing public wakes it (interrupting it only makes it spin); so after an outage every
 * CONNECT and the change feed would wait up to 5 s more after the DB is back, each {@code getConnection} failing
 * after its timeout meanwhile. A fresh pool tries at once. The change feed asks {@link #renewIfStuck()} before each
 * poll while the DB is failing: one probe connection per poll interval, and nothing at all when the DB is fine.
 */
public final class RenewablePool implements DataSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RenewablePool.class);

    private final Supplier<HikariDataSource> newPool;
    private final DataSource probe;
    private volatile HikariDataSource current;
    private boolean closed; // guarded by this

    /**
     * @param newPool builds a pool (each call a new one)
     * @param probe   opens one connection straight to the DB, past any pool
     */
    RenewablePool(final Supplier<HikariDataSource> newPool, final DataSource probe) {
        this.newPool = newPool;
        this.probe = probe;
        this.current = newPool.get();
    }

    /**
     * When the pool holds no connection, checks with one connection of its own whether the DB accepts connections,
     * and if it does, replaces the pool by a fresh one (which connects at once).
     *
     * @return false when the pool holds no connection and the DB accepts none either
     */
    public boolean renewIfStuck() {
        final HikariDataSource pool = current;
        final HikariPoolMXBean state = pool.getHikariPoolMXBean();
        if (state != null && state.getTotalConnections() > 0) {
            return true; // the pool works, or finds out by itself that its connections are dead
        }
        try (Connection ignored = probe.getConnection()) {
            // the DB is back
        } catch (final SQLException | RuntimeException e) {
            return false;
        }
        synchronized (this) {
            if (closed || current != pool) {
                return true;
            }
            current = newPool.get();
        }
        log.info("account-auth: the DB accepts connections again: a fresh connection pool replaces the one " +
                "backing off (HikariCP waits up to 5 s between attempts)");
        // closing waits for borrowed connections; none is borrowed from an empty pool, but never on this thread
        final Thread closer = new Thread(pool::close, "account-auth-pool-closer");
        closer.setDaemon(true);
        closer.start();
        return true;
    }

    /** Connections in use now, for the {@code pool.active} gauge (0 before the pool has started). */
    public int activeConnections() {
        final HikariPoolMXBean state = current.getHikariPoolMXBean();
        return state == null ? 0 : state.getActiveConnections();
    }

    /** Open connections not in use now. */
    public int idleConnections() {
        final HikariPoolMXBean state = current.getHikariPoolMXBean();
        return state == null ? 0 : state.getIdleConnections();
    }

    /** Threads waiting for a connection now. */
    public int waitingThreads() {
        final HikariPoolMXBean state = current.getHikariPoolMXBean();
        return state == null ? 0 : state.getThreadsAwaitingConnection();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return current.getConnection();
    }

    @Override
    public Connection getConnection(final String username, final String password) throws SQLException {
        return current.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return current.getLogWriter();
    }

    @Override
    public void setLogWriter(final PrintWriter out) throws SQLException {
        current.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(final int seconds) throws SQLException {
        current.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return current.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return current.getParentLogger();
    }

    @Override
    public <T> T unwrap(final Class<T> iface) throws SQLException {
        return current.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(final Class<?> iface) throws SQLException {
        return current.isWrapperFor(iface);
    }

    @Override
    public void close() {
        final HikariDataSource pool;
        synchronized (this) {
            closed = true;
            pool = current;
        }
        pool.close();
    }
}
