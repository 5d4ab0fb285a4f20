package com.accountauth.extension.testsupport;

import com.codahale.metrics.MetricRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The integration tests' broker: HiveMQ CE in-process ({@link HiveMqLauncher}) in a temporary folder, one plain MQTT
 * listener on a free loopback port, the built extension ZIP unpacked exactly as an operator installs it; only the
 * extension's conf/config.xml is replaced by the test's.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Path home;
    private final int port;
    private HiveMqLauncher hivemq;

    private EmbeddedBroker(final Path home, final int port) {
        this.home = home;
        this.port = port;
    }

    /** Starts a broker on a free loopback port with the extension configured by {@code extensionConfigXml}. */
    public static EmbeddedBroker start(final String extensionConfigXml) {
        return start(extensionConfigXml, extensions -> { });
    }

    /**
     * Like {@link #start(String)}, with {@code addToExtensions} given HiveMQ's extensions folder (account-auth already
     * in it) before the broker starts: to install another extension next to it, or disable one.
     */
    public static EmbeddedBroker start(final String extensionConfigXml, final FolderSetup addToExtensions) {
        return start(extensionConfigXml, addToExtensions, "");
    }

    /**
     * Like {@link #start(String, FolderSetup)}, with {@code moreListeners} (HiveMQ {@code <tls-tcp-listener>}
     * elements, say) next to the plain one.
     */
    public static EmbeddedBroker start(final String extensionConfigXml, final FolderSetup addToExtensions,
                                       final String moreListeners) {
        try {
            final Path home = Files.createTempDirectory("account-auth-broker");
            final int port = HiveMqLauncher.freePort();
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/config.xml"), HiveMqLauncher.listenersConfig(port, moreListeners));
            final Path extensions = home.resolve("extensions");
            final Path extension = HiveMqLauncher.installExtension(HiveMqLauncher.extensionZip(), extensions);
            Files.writeString(extension.resolve("conf/config.xml"), extensionConfigXml);
            addToExtensions.prepare(extensions);
            final EmbeddedBroker broker = new EmbeddedBroker(home, port);
            broker.startHiveMq();
            return broker;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shipped conf/config.xml with the DB's URL and credentials filled in where it reads the environment, and
     * with the failure allowances of {@code <throttling>} raised out of the way: every test client comes from one
     * address and many tests fail logins on purpose. ThrottlingIT tests the shipped values ({@link #shippedConfig}).
     */
    public static String shippedConfigFor(final String jdbcUrl, final String user, final String password) {
        return shippedConfig(jdbcUrl, user, password)
                .replace("<address-failure-burst>10</address-failure-burst>",
                        "<address-failure-burst>100000</address-failure-burst>")
                .replace("<username-failure-burst>5</username-failure-burst>",
                        "<username-failure-burst>100000</username-failure-burst>");
    }

    /**
     * A config that preloads no device rows at start ({@code <preload-devices>} 0), for tests that count what a
     * first CONNECT reads from the DB.
     */
    public static String withoutPreload(final String config) {
        final String shipped = "<preload-devices>100000</preload-devices>";
        if (!config.contains(shipped)) {
            throw new IllegalStateException("the shipped config.xml no longer sets " + shipped);
        }
        return config.replace(shipped, "<preload-devices>0</preload-devices>");
    }

    /** The shipped conf/config.xml as it is, with the DB's URL and credentials filled in. */
    public static String shippedConfig(final String jdbcUrl, final String user, final String password) {
        try {
            return Files.readString(projectDir().resolve("conf/config.xml"))
                    .replace("${ENV:ACCOUNT_AUTH_JDBC_URL}", jdbcUrl.replace("&", "&amp;"))
                    .replace("${ENV:ACCOUNT_AUTH_DB_USER}", user)
                    .replace("${ENV:ACCOUNT_AUTH_DB_PASSWORD}", password);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project's folder (for conf/schema.sql and conf/config.xml). */
    public static Path projectDir() {
        return Path.of(System.getProperty("accountauth.basedir", ".")).toAbsolutePath();
    }

    public int port() {
        return port;
    }

    /** The running broker's metric registry, where the extension registers its metrics. */
    public MetricRegistry metricRegistry() {
        return hivemq.metricRegistry();
    }

    public Path home() {
        return home;
    }

    /** Stops and starts the broker again on the same port and data folder. */
    public void restart() {
        stopHiveMq();
        startHiveMq();
    }

    @Override
    public void close() {
        stopHiveMq();
        Folders.deleteQuietly(home); // best effort: it is a temp folder
    }

    private void startHiveMq() {
        hivemq = HiveMqLauncher.start(home.resolve("conf"), home.resolve("data"), home.resolve("extensions"));
    }

    private void stopHiveMq() {
        if (hivemq != null) {
            hivemq.stop();
            hivemq = null;
        }
    }

    /** Something done to a folder before the broker starts. */
    @FunctionalInterface
    public interface FolderSetup {
        void prepare(Path folder) throws IOException;
    }
}
