package com.accountauth.extension.identity;

/**
 * How one listener's clients prove who they are: the mode, and where a certificate names its device.
 *
 * @param mode     password, certificate, or both
 * @param identity the field a device certificate's MAC is read from (unused in password mode)
 */
public record ListenerLogin(LoginMode mode, CertificateField identity) {

    /** What every listener not configured otherwise does: usernames and passwords. */
    public static final ListenerLogin PASSWORD = new ListenerLogin(LoginMode.PASSWORD, CertificateField.SUBJECT_CN);
}
