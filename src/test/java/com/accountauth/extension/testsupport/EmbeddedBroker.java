package com.accountauth.extension.testsupport;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The real HiveMQ CE broker in-process, with the built extension ZIP unpacked into its extensions folder exactly as an
 * operator installs it; only the extension's conf/config.xml is replaced by the test's.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Path home;
    private final int port;
    private EmbeddedHiveMQ hivemq;

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
        try {
            final Path home = Files.createTempDirectory("account-auth-broker");
            final int port = freePort();
            Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("data"));
            Files.writeString(home.resolve("conf/config.xml"), brokerConfig(port));
            final Path extensions = home.resolve("extensions");
            unpackExtension(extensions);
            Files.writeString(extensions.resolve("account-auth/conf/config.xml"), extensionConfigXml);
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
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(home.resolve("conf"))
                .withDataFolder(home.resolve("data"))
                .withExtensionsFolder(home.resolve("extensions"))
                .build();
        // the embedded build() switches to "allow all without an authenticator"; production HiveMQ denies
        InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(true);
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new IllegalStateException("HiveMQ did not start", e);
        }
    }

    private void stopHiveMq() {
        if (hivemq != null) {
            try {
                hivemq.stop().get(60, TimeUnit.SECONDS);
                hivemq.close();
            } catch (final Exception e) {
                throw new IllegalStateException("HiveMQ did not stop", e);
            }
            hivemq = null;
        }
    }

    private static String brokerConfig(final int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                    </listeners>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port);
    }

    /** Unpacks the built ZIP into {@code extensions}, giving {@code extensions/account-auth/}. */
    public static void unpackExtension(final Path extensions) throws IOException {
        final String zip = System.getProperty("accountauth.zip");
        if (zip == null || !Files.isRegularFile(Path.of(zip))) {
            throw new IllegalStateException("extension ZIP not found (" + zip + "): run the tests with 'mvn verify'");
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(Path.of(zip)))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                final Path target = extensions.resolve(entry.getName()).normalize();
                if (!target.startsWith(extensions)) {
                    throw new IOException("bad entry " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Something done to a folder before the broker starts. */
    @FunctionalInterface
    public interface FolderSetup {
        void prepare(Path folder) throws IOException;
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
