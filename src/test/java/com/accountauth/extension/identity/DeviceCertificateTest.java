package com.accountauth.extension.identity;

import com.accountauth.extension.testsupport.TestPki;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.Optional;

import static com.accountauth.extension.testsupport.TestPki.san;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceCertificateTest {

    private static final TestPki PKI = TestPki.create("device-certificate-test CA");
    private static final String MAC = "00:1B:FE:0D:44:21";

    private static X509Certificate certificate(final String subject, final GeneralName... names) {
        return PKI.client(subject, names).certificate();
    }

    private static Optional<String> device(final X509Certificate certificate, final CertificateField field) {
        return DeviceCertificate.device(certificate, field).device().map(LoginName::lookupKey);
    }

    private static String problem(final X509Certificate certificate, final CertificateField field) {
        final DeviceCertificate.Result result = DeviceCertificate.device(certificate, field);
        assertTrue(result.device().isEmpty(), "named " + result.device());
        return result.problem();
    }

    @Test
    void aCommonNameThatIsAMacNamesThatDeviceInItsCanonicalForm() {
        assertEquals(Optional.of(MAC), device(certificate("CN=00-1b-fe-0d-44-21, O=Orbweb"),
                CertificateField.SUBJECT_CN));
        assertEquals(Optional.of(MAC), device(certificate("CN=" + MAC.replace(":", "\\:")),
                CertificateField.SUBJECT_CN));
    }

    @Test
    void aCommonNameThatIsAUsersEmailNamesNoDevice() {
        assertTrue(problem(certificate("CN=alice@example.com"), CertificateField.SUBJECT_CN)
                .contains("'alice@example.com' is not a device's MAC"));
    }

    @Test
    void aCommonNameThatMerelyContainsAMacNamesNoDevice() {
        problem(certificate("CN=camera " + MAC.replace(":", "-")), CertificateField.SUBJECT_CN);
        problem(certificate("CN=" + MAC.replace(":", "-") + "x"), CertificateField.SUBJECT_CN);
    }

    @Test
    void twoDifferentMacsAreRefusedRatherThanOnePicked() {
        assertTrue(problem(certificate("CN=00-1b-fe-0d-44-21+CN=00-1b-fe-0d-44-22"), CertificateField.SUBJECT_CN)
                .contains("names 2 devices"));
    }

    @Test
    void theSameMacTwiceIsOneDevice() {
        assertEquals(Optional.of(MAC), device(certificate("CN=x", san(GeneralName.dNSName, "00-1B-FE-0D-44-21"),
                san(GeneralName.dNSName, "00-1b-fe-0d-44-21.devices.example.com")), CertificateField.SAN_DNS));
    }

    @Test
    void aCertificateWithoutTheFieldNamesNoDevice() {
        assertTrue(problem(certificate("O=Orbweb"), CertificateField.SUBJECT_CN).contains("no subject-cn"));
        assertTrue(problem(certificate("CN=" + MAC.replace(":", "-")), CertificateField.SAN_DNS)
                .contains("no san-dns"));
    }

    @Test
    void theConfiguredFieldIsTheOnlyOneRead() {
        final X509Certificate both = certificate("CN=00-1b-fe-0d-44-21",
                san(GeneralName.dNSName, "00-1b-fe-0d-44-22"));
        assertEquals(Optional.of(MAC), device(both, CertificateField.SUBJECT_CN));
        assertEquals(Optional.of("00:1B:FE:0D:44:22"), device(both, CertificateField.SAN_DNS));
        // an email SAN is not read as a DNS one
        problem(certificate("CN=x", san(GeneralName.rfc822Name, "00-1b-fe-0d-44-21@devices.example.com")),
                CertificateField.SAN_DNS);
    }

    @Test
    void anEmailSanNamesTheDeviceOfItsLocalPart() {
        assertEquals(Optional.of(MAC), device(certificate("CN=x",
                san(GeneralName.rfc822Name, "00-1b-fe-0d-44-21@devices.example.com")), CertificateField.SAN_EMAIL));
        problem(certificate("CN=x", san(GeneralName.rfc822Name, "alice@example.com")), CertificateField.SAN_EMAIL);
    }

    @Test
    void aUriSanNamesTheDeviceOfAnRfc9039MacUrn() {
        assertEquals(Optional.of(MAC), device(certificate("CN=x",
                san(GeneralName.uniformResourceIdentifier, "urn:dev:mac:001BFE0D4421")), CertificateField.SAN_URI));
        problem(certificate("CN=x", san(GeneralName.uniformResourceIdentifier, "urn:dev:mac:001BFE0D44")),
                CertificateField.SAN_URI);
        problem(certificate("CN=x", san(GeneralName.uniformResourceIdentifier, "https://example.com/001BFE0D4421")),
                CertificateField.SAN_URI);
    }

    @Test
    void controlCharactersOfACertificateDoNotReachTheExplanation() {
        final String problem = problem(certificate("CN=evil\\0Aline"), CertificateField.SUBJECT_CN);
        assertTrue(!problem.contains("\n"), problem);
    }
}
