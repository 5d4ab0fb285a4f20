package com.accountauth.extension.testsupport;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The usual integration fixture: a private MariaDB with the shipped schema, seeded by the test, and the real broker
 * with the built extension pointed at it through the shipped config.xml.
 */
public final class BrokerWithDatabase implements AutoCloseable {

    private final MariaDbServer db;
    private final EmbeddedBroker broker;

    private BrokerWithDatabase(final MariaDbServer db, final EmbeddedBroker broker) {
        this.db = db;
        this.broker = broker;
    }

    /**
     * @param seed       fills the DB before the broker starts
     * @param configEdit changes the shipped config.xml (already filled with the DB's URL and credentials)
     */
    public static BrokerWithDatabase start(final Consumer<MariaDbServer> seed, final UnaryOperator<String> configEdit) {
        return start(seed, configEdit, "");
    }

    /** Like {@link #start(Consumer, UnaryOperator)}, with more HiveMQ listeners next to the plain one. */
    public static BrokerWithDatabase start(final Consumer<MariaDbServer> seed, final UnaryOperator<String> configEdit,
                                           final String moreListeners) {
        final MariaDbServer db = MariaDbServer.start(EmbeddedBroker.projectDir().resolve("conf/schema.sql"));
        try {
            seed.accept(db);
            return new BrokerWithDatabase(db, EmbeddedBroker.start(configEdit.apply(
                    EmbeddedBroker.shippedConfigFor(db.jdbcUrl(), db.appUser(), db.appPassword())),
                    extensions -> { }, moreListeners));
        } catch (final RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    public MariaDbServer db() {
        return db;
    }

    public EmbeddedBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            db.close();
        }
    }
}
