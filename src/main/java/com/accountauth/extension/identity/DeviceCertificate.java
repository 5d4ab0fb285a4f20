package com.accountauth.extension.identity;

import com.accountauth.extension.util.LogSafe;

import javax.naming.InvalidNameException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The device a client certificate names, read from one field ({@link CertificateField}) and parsed as a MAC the way a
 * MAC username is ({@link UsernameParser}). The broker has already checked the chain against the listener's
 * truststore; this only reads who it is. A certificate names a device when the field holds exactly one MAC:
 * <ul>
 *     <li>{@code subject-cn}: the common name is the MAC ({@code 00:1B:FE:0D:44:21} or with '-');</li>
 *     <li>{@code san-dns}: a DNS name that is the MAC with '-', or whose first label is
 *     ({@code 00-1b-fe-0d-44-21.devices.example.com});</li>
 *     <li>{@code san-email}: an address whose local part is the MAC;</li>
 *     <li>{@code san-uri}: RFC 9039's {@code urn:dev:mac:001bfe0d4421}, or the MAC itself.</li>
 * </ul>
 * Anything else, an email of a user among them, names no device: accounts never log in by certificate. Two different
 * MACs in the field are refused rather than one picked.
 */
public final class DeviceCertificate {

    private static final Pattern URN_DEV_MAC = Pattern.compile("(?i)urn:dev:mac:([0-9a-f]{12})");

    private DeviceCertificate() {
    }

    /** The device, or why the certificate names none (no secrets: a certificate's names are public). */
    public static Result device(final X509Certificate certificate, final CertificateField field) {
        final List<String> values;
        try {
            values = field == CertificateField.SUBJECT_CN ? commonNames(certificate.getSubjectX500Principal())
                    : alternativeNames(certificate, field);
        } catch (final CertificateParsingException | InvalidNameException e) {
            return Result.none("its " + field.configName() + " cannot be read: " + e.getMessage());
        }
        if (values.isEmpty()) {
            return Result.none("it has no " + field.configName());
        }
        final Set<String> macs = new LinkedHashSet<>();
        for (final String value : values) {
            mac(value, field).ifPresent(macs::add);
        }
        if (macs.isEmpty()) {
            return Result.none("its " + field.configName() + " " + quoted(values) + " is not a device's MAC");
        }
        if (macs.size() > 1) {
            return Result.none("its " + field.configName() + " names " + macs.size() + " devices " + macs);
        }
        return new Result(Optional.of(new LoginName(LoginName.Kind.DEVICE, macs.iterator().next())), null);
    }

    private static Optional<String> mac(final String value, final CertificateField field) {
        final String candidate = switch (field) {
            case SUBJECT_CN -> value;
            case SAN_DNS -> value.indexOf('.') < 0 ? value : value.substring(0, value.indexOf('.'));
            case SAN_EMAIL -> value.lastIndexOf('@') < 0 ? "" : value.substring(0, value.lastIndexOf('@'));
            case SAN_URI -> {
                final var urn = URN_DEV_MAC.matcher(value);
                yield urn.matches() ? urn.group(1).replaceAll("(..)(?!$)", "$1:") : value;
            }
        };
        return UsernameParser.parse(candidate).filter(login -> login.kind() == LoginName.Kind.DEVICE)
                .map(LoginName::lookupKey);
    }

    private static List<String> commonNames(final X500Principal subject) throws InvalidNameException {
        final List<String> names = new ArrayList<>();
        for (final Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
            final Attribute cn = rdn.toAttributes().get("cn");
            if (cn == null) {
                continue;
            }
            try {
                final NamingEnumeration<?> all = cn.getAll();
                while (all.hasMore()) {
                    // a value given in hex (#04...) comes as bytes: not a name anyone typed, never a MAC
                    names.add(all.next() instanceof String text ? text : "<binary>");
                }
            } catch (final NamingException e) {
                throw new InvalidNameException(e.getMessage());
            }
        }
        return names;
    }

    private static List<String> alternativeNames(final X509Certificate certificate, final CertificateField field)
            throws CertificateParsingException {
        final Collection<List<?>> all = certificate.getSubjectAlternativeNames();
        final List<String> names = new ArrayList<>();
        if (all != null) {
            for (final List<?> entry : all) {
                if (entry.size() == 2 && entry.get(0) instanceof Integer tag && tag == field.generalNameTag()
                        && entry.get(1) instanceof String text) {
                    names.add(text);
                }
            }
        }
        return names;
    }

    private static String quoted(final List<String> values) {
        // certificate text is the client's: quoted, bounded and without control characters in the log
        return String.join(", ", values.stream().limit(4).map(LogSafe::of).toList()) +
                (values.size() > 4 ? " and " + (values.size() - 4) + " more" : "");
    }

    /** {@link #device}'s answer: the device's MAC as a login, or why there is none. */
    public record Result(Optional<LoginName> device, String problem) {
        static Result none(final String problem) {
            return new Result(Optional.empty(), problem);
        }
    }
}
