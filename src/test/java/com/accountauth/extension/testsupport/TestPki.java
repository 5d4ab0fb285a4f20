package com.accountauth.extension.testsupport;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A private CA for tests that issues certificates in-process (EC P-256, milliseconds each): the broker's server
 * certificate, and client certificates with any subject and subjectAltNames. Writes what HiveMQ reads (PKCS#12
 * keystore and truststore) and what mosquitto reads (PEM certificate and PKCS#8 key).
 */
public final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestPki(final KeyPair caKeys, final X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A new CA named {@code name}. */
    public static TestPki create(final String name) {
        final KeyPair keys = newKeys();
        return new TestPki(keys, sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys, true,
                List.of()));
    }

    public X509Certificate ca() {
        return ca;
    }

    /** A client certificate of {@code subject} (e.g. {@code CN=00:1B:FE:0D:44:21}) with these subjectAltNames. */
    public Issued client(final String subject, final GeneralName... alternativeNames) {
        final KeyPair keys = newKeys();
        return new Issued(sign(new X500Name(subject), keys, new X500Name(ca.getSubjectX500Principal().getName()),
                caKeys, false, List.of(alternativeNames)), keys);
    }

    /** A server certificate for localhost and 127.0.0.1. */
    public Issued server() {
        return client("CN=localhost", new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    }

    /** A subjectAltName entry: {@code GeneralName.dNSName}, {@code rfc822Name}, ... */
    public static GeneralName san(final int tag, final String value) {
        return new GeneralName(tag, value);
    }

    /** Writes a PKCS#12 truststore holding the CA. */
    public void writeTruststore(final Path file, final String password) {
        try {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            write(store, file, password);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the CA as PEM (mosquitto's {@code --cafile}). */
    public void writeCaPem(final Path file) {
        pem(file, "CERTIFICATE", encoded(ca));
    }

    /** One issued certificate with its key. */
    public final class Issued {
        private final X509Certificate certificate;
        private final KeyPair keys;

        private Issued(final X509Certificate certificate, final KeyPair keys) {
            this.certificate = certificate;
            this.keys = keys;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** Writes a PKCS#12 keystore with the key and the chain (leaf, CA) under alias "key". */
        public void writeKeystore(final Path file, final String password) {
            try {
                final KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("key", keys.getPrivate(), password.toCharArray(),
                        new Certificate[]{certificate, ca});
                write(store, file, password);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            } catch (final GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes {@code <name>.pem} and {@code <name>.key} into {@code folder}. @return the certificate's path */
        public Path writePem(final Path folder, final String name) {
            pem(folder.resolve(name + ".key"), "PRIVATE KEY", keys.getPrivate().getEncoded());
            return pem(folder.resolve(name + ".pem"), "CERTIFICATE", encoded(certificate));
        }
    }

    private static X509Certificate sign(final X500Name subject, final KeyPair subjectKeys, final X500Name issuer,
                                        final KeyPair issuerKeys, final boolean ca,
                                        final List<GeneralName> alternativeNames) {
        try {
            final Instant now = Instant.now();
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
            }
            if (!alternativeNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (final Exception e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    private static KeyPair newKeys() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(final KeyStore store, final Path file, final String password)
            throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

    private static byte[] encoded(final Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path pem(final Path file, final String type, final byte[] der) {
        final String text = "-----BEGIN " + type + "-----\n" +
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
                "\n-----END " + type + "-----\n";
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
