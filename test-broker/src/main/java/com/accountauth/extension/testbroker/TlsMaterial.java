package com.accountauth.extension.testbroker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The test broker's TLS files, made once with the running JDK's keytool (key pairs, the CA's signatures) and
 * java.security.KeyStore (chains, truststore, PEM files), and kept in the data folder:
 * <ul>
 *     <li>{@code ca.pem}: a private CA (clients pass it as {@code --cafile}); its key stays in {@code ca.p12}</li>
 *     <li>{@code server.p12}: key and certificate for localhost / 127.0.0.1 signed by the CA (the listener's
 *     keystore)</li>
 *     <li>{@code truststore.p12}: the CA, against which the listener checks client certificates</li>
 *     <li>{@code client.pem}, {@code client.key} (PKCS#8 PEM) and {@code client.p12}: a demo client certificate
 *     signed by the CA</li>
 *     <li>{@code device.pem}, {@code device.key}: the demo camera's device certificate, its MAC as common name,
 *     signed by the CA (it logs in by certificate on the device TLS listener)</li>
 * </ul>
 * Every keystore is PKCS#12 with the one password the broker config names.
 */
public final class TlsMaterial {

    private static final String CA_ALIAS = "ca";
    private static final int CA_DAYS = 3650;
    private static final int LEAF_DAYS = 825;

    private final Path folder;
    private final String password;

    TlsMaterial(final Path folder, final String password) {
        this.folder = folder;
        this.password = password;
    }

    public Path caFile() {
        return folder.resolve("ca.pem");
    }

    public Path serverKeystore() {
        return folder.resolve("server.p12");
    }

    public Path truststore() {
        return folder.resolve("truststore.p12");
    }

    public Path clientCertFile() {
        return folder.resolve("client.pem");
    }

    public Path clientKeyFile() {
        return folder.resolve("client.key");
    }

    public Path deviceCertFile() {
        return folder.resolve("device.pem");
    }

    public Path deviceKeyFile() {
        return folder.resolve("device.key");
    }

    public Path clientKeystore() {
        return folder.resolve("client.p12");
    }

    public String password() {
        return password;
    }

    boolean complete() {
        return List.of(caFile(), serverKeystore(), truststore(), clientCertFile(), clientKeyFile(), clientKeystore(),
                deviceCertFile(), deviceKeyFile()).stream().allMatch(Files::isRegularFile);
    }

    /** Creates the files unless they are all there already. @return whether they were created */
    boolean ensure() {
        if (complete()) {
            return false;
        }
        try {
            Files.createDirectories(folder);
            try (var files = Files.list(folder)) {
                for (final Path file : files.toList()) {
                    Files.delete(file); // a half-made set from an interrupted start
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final Path caStore = folder.resolve("ca.p12");
        keytool("-genkeypair", "-keystore", caStore, "-alias", CA_ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", CA_DAYS, "-dname", "CN=account-auth test-broker CA",
                "-ext", "bc:c=ca:true", "-ext", "ku:c=keyCertSign,cRLSign");
        final X509Certificate ca = certificate(load(caStore), CA_ALIAS);
        writePem(caFile(), "CERTIFICATE", encoded(ca));
        final KeyStore trust = emptyStore();
        setCertificate(trust, CA_ALIAS, ca);
        store(trust, truststore());
        // the server's and the client's key do not depend on each other: make them side by side
        final ExecutorService executor = Executors.newFixedThreadPool(2);
        final CompletableFuture<Void> server = CompletableFuture.runAsync(() -> signedLeaf("server", "CN=localhost",
                serverKeystore(), ca, "serverAuth", "digitalSignature,keyEncipherment",
                "san=dns:localhost,ip:127.0.0.1"), executor);
        final CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            final X509Certificate certificate = signedLeaf("client", "CN=demo-client", clientKeystore(), ca,
                    "clientAuth", "digitalSignature", null);
            writePem(clientCertFile(), "CERTIFICATE", encoded(certificate));
            writePem(clientKeyFile(), "PRIVATE KEY", privateKey(clientKeystore(), "client").getEncoded());
        }, executor);
        final CompletableFuture<Void> device = CompletableFuture.runAsync(() -> {
            final Path deviceStore = folder.resolve("device.p12");
            final X509Certificate certificate = signedLeaf("device", "CN=" + DemoAccounts.CAMERA_1.mac(),
                    deviceStore, ca, "clientAuth", "digitalSignature", null);
            writePem(deviceCertFile(), "CERTIFICATE", encoded(certificate));
            writePem(deviceKeyFile(), "PRIVATE KEY", privateKey(deviceStore, "device").getEncoded());
        }, executor);
        try {
            CompletableFuture.allOf(server, client, device).join();
        } catch (final CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            executor.shutdown();
        }
        return true;
    }

    /**
     * A key pair in {@code keystore} whose certificate keytool's CA signs; the keystore then holds the key with the
     * chain (leaf, CA). @return the leaf certificate
     */
    private X509Certificate signedLeaf(final String alias, final String dname, final Path keystore,
                                       final X509Certificate ca, final String eku, final String keyUsage,
                                       final String san) {
        final Path csr = folder.resolve(alias + ".csr");
        final Path crt = folder.resolve(alias + ".crt");
        keytool("-genkeypair", "-keystore", keystore, "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", LEAF_DAYS, "-dname", dname);
        keytool("-certreq", "-keystore", keystore, "-alias", alias, "-file", csr);
        final List<Object> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-keystore",
                folder.resolve("ca.p12"), "-alias", CA_ALIAS, "-infile", csr, "-outfile", crt, "-validity", LEAF_DAYS,
                "-ext", "eku=" + eku, "-ext", "ku=" + keyUsage));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray());
        try (InputStream in = Files.newInputStream(crt)) {
            final X509Certificate leaf =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            final KeyStore store = load(keystore);
            store.setKeyEntry(alias, store.getKey(alias, password.toCharArray()), password.toCharArray(),
                    new Certificate[]{leaf, ca});
            store(store, keystore);
            Files.delete(csr);
            Files.delete(crt);
            return leaf;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the signed certificate in " + keystore, e);
        }
    }

    private KeyStore load(final Path keystore) {
        try (InputStream in = Files.newInputStream(keystore)) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + keystore, e);
        }
    }

    private static X509Certificate certificate(final KeyStore store, final String alias) {
        try {
            return (X509Certificate) store.getCertificate(alias);
        } catch (final KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore emptyStore() {
        try {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setCertificate(final KeyStore store, final String alias, final Certificate certificate) {
        try {
            store.setCertificateEntry(alias, certificate);
        } catch (final KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private void store(final KeyStore store, final Path target) {
        try (OutputStream out = Files.newOutputStream(target)) {
            store.store(out, password.toCharArray());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("cannot write " + target, e);
        }
    }

    private PrivateKey privateKey(final Path keystore, final String alias) {
        try {
            return (PrivateKey) load(keystore).getKey(alias, password.toCharArray());
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key of " + alias + " from " + keystore, e);
        }
    }

    private static byte[] encoded(final Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (final CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes DER bytes as PEM. A "PRIVATE KEY" is PKCS#8, unencrypted, as OpenSSL (and so mosquitto) reads it; that
     * file is made readable by its owner only.
     */
    private static void writePem(final Path target, final String type, final byte[] der) {
        final String pem = "-----BEGIN " + type + "-----\n" +
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
                "\n-----END " + type + "-----\n";
        try {
            Files.writeString(target, pem, StandardCharsets.US_ASCII);
            if (type.contains("PRIVATE")) {
                restrictToOwner(target);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void restrictToOwner(final Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (final UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private void keytool(final Object... args) {
        final List<String> command = new ArrayList<>();
        command.add(keytoolBinary().toString());
        for (final Object arg : args) {
            command.add(arg.toString());
        }
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        final Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    /** keytool of the JDK that runs us. */
    private static Path keytoolBinary() {
        final Path javaHome = Path.of(System.getProperty("java.home"));
        final String name = System.getProperty("os.name").toLowerCase().contains("win") ? "keytool.exe" : "keytool";
        final Path keytool = javaHome.resolve("bin").resolve(name);
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException("keytool not found at " + keytool + " (java.home=" + javaHome + ")");
        }
        return keytool;
    }
}
