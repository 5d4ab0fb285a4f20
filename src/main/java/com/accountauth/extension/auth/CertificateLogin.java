package com.accountauth.extension.auth;

import com.accountauth.extension.identity.DeviceCertificate;
import com.accountauth.extension.identity.ListenerLogin;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.util.LogSafe;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The part of a certificate login decided before any DB work, on the broker thread (nothing here blocks): is there a
 * certificate, does it name a device, and does the username, if one was sent, name the same device. What is left
 * (is the device known and enabled, its password in certificate-and-password mode, its client id) is the password
 * login's decision, with the certificate's device as the login.
 * <p>
 * Codes: no certificate is 0x87 Not authorized: the listener takes no other proof, and the client sent no wrong one.
 * A certificate that names no device (a user's email among them: accounts never log in by certificate) or a username
 * that names another device is 0x86, as an unknown or wrong username is. A username that is the same device in
 * another form is fine: firmware often sends its MAC out of habit, and refusing it would gain nothing.
 */
final class CertificateLogin {

    private CertificateLogin() {
    }

    /** The device to log in as, or the refusal. */
    record Result(Optional<LoginName> device, Verdict.Refused refused) {
    }

    static Result device(final ListenerLogin login, final Optional<X509Certificate> certificate,
                         final Optional<String> username) {
        if (certificate.isEmpty()) {
            return refused(Refusal.NOT_AUTHORIZED, "no client certificate, and this listener's mode is " +
                    login.mode() + " (the listener needs <client-authentication-mode> REQUIRED or OPTIONAL)");
        }
        final DeviceCertificate.Result named = DeviceCertificate.device(certificate.get(), login.identity());
        if (named.device().isEmpty()) {
            return refused(Refusal.BAD_CREDENTIALS, "its client certificate (subject " +
                    LogSafe.of(certificate.get().getSubjectX500Principal().getName()) + ") names no device: " +
                    named.problem());
        }
        final LoginName device = named.device().get();
        if (username.isPresent()) {
            final Optional<LoginName> claimed = UsernameParser.parse(username.get())
                    .filter(name -> name.kind() == LoginName.Kind.DEVICE);
            if (claimed.isEmpty()) {
                return refused(Refusal.BAD_CREDENTIALS, "username (" + username.get().length() + " chars, not " +
                        "logged: it may be a password) is not the MAC of device " + device.lookupKey() +
                        ", which its client certificate names");
            }
            if (!claimed.get().equals(device)) {
                return refused(Refusal.BAD_CREDENTIALS, "username " + claimed.get().lookupKey() + " is not device " +
                        device.lookupKey() + ", which its client certificate names");
            }
        }
        return new Result(Optional.of(device), null);
    }

    private static Result refused(final Refusal reason, final String explanation) {
        return new Result(Optional.empty(), new Verdict.Refused(reason, explanation));
    }
}
