package com.accountauth.extension.identity;

import java.util.Arrays;
import java.util.Optional;

/** What a listener takes as proof of identity. Configured per listener as {@code <mode>}. */
public enum LoginMode {
    /** Username and password; a client certificate, if any, is not looked at. */
    PASSWORD("password"),
    /** A device certificate alone; devices only. */
    CERTIFICATE("certificate"),
    /** A device certificate and that device's password. */
    CERTIFICATE_AND_PASSWORD("certificate-and-password");

    private final String configName;

    LoginMode(final String configName) {
        this.configName = configName;
    }

    /** Its name in config.xml and in the audit line's {@code method=}. */
    public String configName() {
        return configName;
    }

    public boolean needsCertificate() {
        return this != PASSWORD;
    }

    public boolean needsPassword() {
        return this != CERTIFICATE;
    }

    public static Optional<LoginMode> byConfigName(final String name) {
        return Arrays.stream(values()).filter(mode -> mode.configName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return configName;
    }
}
