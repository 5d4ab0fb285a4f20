package com.accountauth.extension.identity;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a device certificate names its device: the subject's common name, or one subjectAltName entry of a kind
 * (RFC 5280 GeneralName tags). Configured per listener as {@code <identity>}. There is no {@code san-ip}: an IP
 * address cannot hold a MAC.
 */
public enum CertificateField {
    SUBJECT_CN("subject-cn", -1),
    SAN_EMAIL("san-email", 1),
    SAN_DNS("san-dns", 2),
    SAN_URI("san-uri", 6);

    private final String configName;
    private final int generalNameTag;

    CertificateField(final String configName, final int generalNameTag) {
        this.configName = configName;
        this.generalNameTag = generalNameTag;
    }

    /** Its name in config.xml. */
    public String configName() {
        return configName;
    }

    /** The subjectAltName type it reads ({@code X509Certificate#getSubjectAlternativeNames}), -1 for the subject. */
    int generalNameTag() {
        return generalNameTag;
    }

    public static Optional<CertificateField> byConfigName(final String name) {
        return Arrays.stream(values()).filter(field -> field.configName.equals(name)).findFirst();
    }
}
