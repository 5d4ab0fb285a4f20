package com.accountauth.extension.testsupport;

import com.codahale.metrics.MetricRegistry;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;

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
 * The one way the test broker, the integration tests and the benchmark start HiveMQ CE in their JVM: from a broker
 * folder laid out as an operator's ({@code conf/config.xml}, {@code data/}, {@code extensions/}), with the built
 * extension ZIP unpacked into {@code extensions/} ({@link #installExtension}), never from the classes on the class path.
 * <p>
 * Like a production HiveMQ, and unlike {@link EmbeddedHiveMQ}'s default, it refuses clients while no authenticator is
 * registered: an extension that did not start shows as refused logins, not as an open broker.
 */
public final class HiveMqLauncher implements AutoCloseable {

    /** The folder name the ZIP unpacks to, which is also the extension's id. */
    public static final String EXTENSION_ID = "account-auth";

    private EmbeddedHiveMQ hivemq;

    private HiveMqLauncher(final EmbeddedHiveMQ hivemq) {
        this.hivemq = hivemq;
    }

    /** Starts HiveMQ on {@code conf}, {@code data} and {@code extensions}; returns once it listens. */
    public static HiveMqLauncher start(final Path conf, final Path data, final Path extensions) {
        return start(EmbeddedHiveMQ.builder(), conf, data, extensions);
    }

    /** Like {@link #start(Path, Path, Path)}, with {@code extension} given in code (the benchmark's allow-all). */
    public static HiveMqLauncher start(final Path conf, final Path data, final Path extensions,
                                       final EmbeddedExtension extension) {
        return start(EmbeddedHiveMQ.builder().withEmbeddedExtension(extension), conf, data, extensions);
    }

    private static HiveMqLauncher start(final EmbeddedHiveMQBuilder builder, final Path conf,
                                        final Path data, final Path extensions) {
        createDirectories(conf, data, extensions);
        final EmbeddedHiveMQ embedded = builder
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .build();
        // build() switches to "allow all while no authenticator is registered"; production HiveMQ denies
        InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(true);
        try {
            embedded.start().get(60, TimeUnit.SECONDS);
        } catch (final Exception e) {
            closeQuietly(embedded);
            throw new IllegalStateException("HiveMQ did not start: " + e.getMessage(), e);
        }
        return new HiveMqLauncher(embedded);
    }

    /** The broker's metric registry, the one extensions get as {@code Services.metricRegistry()}. */
    public MetricRegistry metricRegistry() {
        return hivemq.getMetricRegistry();
    }

    /** Stops HiveMQ (what it keeps in the data folder stays); does nothing when already stopped. */
    public void stop() {
        if (hivemq == null) {
            return;
        }
        try {
            hivemq.stop().get(60, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new IllegalStateException("HiveMQ did not stop: " + e.getMessage(), e);
        } finally {
            closeQuietly(hivemq);
            hivemq = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The built extension ZIP that failsafe and the run.sh scripts name in {@code -Daccountauth.zip}. */
    public static Path extensionZip() {
        final String zip = System.getProperty("accountauth.zip");
        if (zip == null || !Files.isRegularFile(Path.of(zip))) {
            throw new IllegalStateException("extension ZIP not found (" + zip + "): run the tests with 'mvn verify'");
        }
        return Path.of(zip);
    }

    /**
     * Unpacks {@code zip} into {@code extensions}, giving {@code extensions/account-auth/} as an operator installs it
     * (an older copy there is deleted first).
     */
    public static Path installExtension(final Path zip, final Path extensions) {
        final Path folder = extensions.resolve(EXTENSION_ID);
        Folders.delete(folder);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                final Path file = extensions.resolve(entry.getName()).normalize();
                if (!file.startsWith(extensions)) {
                    throw new IOException("bad entry " + entry.getName() + " in " + zip);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
        if (!Files.isRegularFile(folder.resolve("hivemq-extension.xml"))) {
            throw new IllegalStateException(zip + " holds no " + EXTENSION_ID + "/hivemq-extension.xml");
        }
        return folder;
    }

    /** A HiveMQ config.xml with one plain MQTT listener on 127.0.0.1:{@code port} and no usage statistics. */
    public static String singleListenerConfig(final int port) {
        return listenersConfig(port, "");
    }

    /** {@link #singleListenerConfig} with more listeners ({@code <tls-tcp-listener>...}) after the plain one. */
    public static String listenersConfig(final int port, final String moreListeners) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                %s
                    </listeners>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, moreListeners);
    }

    /** A port nothing listens on right now, on any address (for HiveMQ's listeners and for MariaDB's). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(final Path... folders) {
        try {
            for (final Path folder : folders) {
                Files.createDirectories(folder);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(final EmbeddedHiveMQ embedded) {
        try {
            embedded.close();
        } catch (final Exception ignored) {
            // already failed or stopped
        }
    }
}
