package com.accountauth.extension.auth;

import com.accountauth.extension.metrics.ExtensionMetrics;
import com.accountauth.extension.principal.BrokerPermissions;
import com.accountauth.extension.util.AuditLog;
import com.accountauth.extension.util.RateLimitedLog;
import com.accountauth.extension.connection.ConnectedClients;
import com.accountauth.extension.config.CertificateLoginSettings;
import com.accountauth.extension.identity.ListenerLogin;
import com.accountauth.extension.identity.LoginMode;
import com.accountauth.extension.identity.LoginName;
import com.accountauth.extension.identity.UsernameParser;
import com.accountauth.extension.password.PasswordUpgrade;
import com.accountauth.extension.throttle.ConnectThrottle;
import com.accountauth.extension.util.LogSafe;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.client.parameter.ProxyInformation;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * Authenticates every CONNECT against the account DB. The broker thread only copies the credentials and hands them
 * to the workers (unless every fact is cached); the answer comes back through the async output, and a timeout
 * answers 0x88 Server unavailable. A granted connection gets its permissions here, as the connection's default
 * permissions, which HiveMQ checks every PUBLISH, Will and SUBSCRIBE against.
 */
public final class AccountAuthenticator implements SimpleAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(AccountAuthenticator.class);
    /** Decisions of one CONNECT that live changes may overtake before it is refused with 0x88. */
    private static final int DECISION_ATTEMPTS = 3;

    private final CredentialChecker checker;
    private final ConnectThrottle throttle;
    private final AuthenticationWorkers workers;
    private final ConnectedClients clients;
    private final Duration timeout;
    private final Consumer<PasswordUpgrade> upgrades;
    private final ConnectCounters counters;
    private final CertificateLoginSettings certificateLogins;
    // a flood of throttled CONNECTs must not flood the audit trail (or slow the broker threads that refuse them)
    private final RateLimitedLog throttledAudit = new RateLimitedLog(TimeUnit.SECONDS.toNanos(1), System::nanoTime);

    /**
     * @param upgrades          takes the upgrade of a weak stored hash once its client is answered; must not block
     * @param certificateLogins the listeners whose clients log in by certificate
     */
    public AccountAuthenticator(final CredentialChecker checker, final ConnectThrottle throttle,
                                final AuthenticationWorkers workers, final ConnectedClients clients,
                                final Duration timeout, final Consumer<PasswordUpgrade> upgrades,
                                final CertificateLoginSettings certificateLogins) {
        this(checker, throttle, workers, clients, timeout, upgrades, ExtensionMetrics.unread(), certificateLogins);
    }

    /** @param metrics where the outcome of each CONNECT is counted */
    public AccountAuthenticator(final CredentialChecker checker, final ConnectThrottle throttle,
                                final AuthenticationWorkers workers, final ConnectedClients clients,
                                final Duration timeout, final Consumer<PasswordUpgrade> upgrades,
                                final ExtensionMetrics metrics, final CertificateLoginSettings certificateLogins) {
        this.counters = new ConnectCounters(metrics);
        this.checker = checker;
        this.throttle = throttle;
        this.workers = workers;
        this.clients = clients;
        this.timeout = timeout;
        this.upgrades = upgrades;
        this.certificateLogins = certificateLogins;
    }

    @Override
    public void onConnect(final SimpleAuthInput input, final SimpleAuthOutput output) {
        final String clientId = input.getClientInformation().getClientId();
        final Optional<String> username = input.getConnectPacket().getUserName();
        final ListenerLogin listenerLogin = certificateLogins.forListener(listenerName(input));
        final LoginMode mode = listenerLogin.mode();
        // certificate mode: the certificate is the proof, and a password, if sent, is not even copied
        final byte[] password = mode.needsPassword() ? copyPassword(input.getConnectPacket().getPassword()) : null;
        // the broker checks every PUBLISH, Will and SUBSCRIBE against these: what is not listed is denied
        BrokerPermissions.denyAll(output.getDefaultPermissions());

        final Optional<LoginName> certificateDevice;
        if (mode.needsCertificate()) {
            final CertificateLogin.Result named = CertificateLogin.device(listenerLogin, clientCertificate(input),
                    username);
            if (named.refused() != null) {
                // decided from the certificate alone, which the client holds anyway: no secret to time, no DB
                refuse(input, output, clientId, mode, named.refused());
                if (password != null) {
                    Arrays.fill(password, (byte) 0);
                }
                return;
            }
            certificateDevice = named.device();
        } else {
            certificateDevice = Optional.empty();
        }
        final Login login = new Login(mode, username, certificateDevice, password);

        // a reconnect whose every fact is cached is decided here, without a thread hop: nothing here blocks
        final Optional<Verdict> cached = login.checkWithoutBlocking(checker, clientId);
        if (cached.isPresent() && answerUnlessOvertaken(input, output, clientId, mode, cached.get())) {
            if (password != null) {
                Arrays.fill(password, (byte) 0);
            }
            return;
        }
        // what needs a worker may cost bcrypt: a guesser is stopped here, before the queue
        final ConnectThrottle.Admission admission = throttle.admit(sourceAddress(input),
                login.lookupKey());
        if (!admission.admitted()) {
            refuseThrottled(input, output, clientId, mode, admission.verdict(), admission.addressKey());
            return;
        }
        final Async<SimpleAuthOutput> async =
                output.async(timeout, TimeoutFallback.FAILURE, ConnackReasonCode.SERVER_UNAVAILABLE);
        final long deadline = System.nanoTime() + timeout.toNanos();
        try {
            workers.submit(admission.addressKey(), () -> {
                try {
                    if (System.nanoTime() - deadline > 0) {
                        log.warn("account-auth: client '{}' refused: authentication timed out waiting for a worker",
                                clientId);
                        counters.timeout.inc();
                        audit(input, clientId, mode, ConnackReasonCode.SERVER_UNAVAILABLE,
                                "authentication timed out waiting for a worker");
                        return; // the timeout fallback has already refused it
                    }
                    final ConnectThrottle.Verdict again = throttle.recheck(admission);
                    if (again != ConnectThrottle.Verdict.ADMITTED) {
                        refuseThrottled(input, output, clientId, mode, again, admission.addressKey());
                        return;
                    }
                    decideOnWorker(input, output, clientId, login, admission);
                } catch (final RuntimeException e) {
                    log.error("account-auth: client '{}' refused: unexpected error during authentication", clientId,
                            e);
                    counters.error.inc();
                    audit(input, clientId, mode, ConnackReasonCode.SERVER_UNAVAILABLE, "unexpected error: " + e);
                    failQuietly(output, ConnackReasonCode.SERVER_UNAVAILABLE);
                } finally {
                    throttle.finished(admission, ConnectThrottle.Outcome.OTHER); // unless it was ended with its verdict
                    if (password != null) {
                        Arrays.fill(password, (byte) 0);
                    }
                    async.resume();
                }
            });
        } catch (final RejectedExecutionException e) {
            log.warn("account-auth: client '{}' refused with 0x88: authentication queue is full", clientId);
            counters.queueFull.inc();
            audit(input, clientId, mode, ConnackReasonCode.SERVER_UNAVAILABLE, "authentication queue is full");
            throttle.finished(admission, ConnectThrottle.Outcome.OTHER);
            failQuietly(output, ConnackReasonCode.SERVER_UNAVAILABLE);
            async.resume();
        }
    }

    /**
     * Decides with the DB and bcrypt; a grant that live changes overtook is decided again, from the DB. The throttle
     * counts a refusal before the client hears it, so a guesser's next attempt meets it already.
     */
    private void decideOnWorker(final SimpleAuthInput input, final SimpleAuthOutput output, final String clientId,
                                final Login login, final ConnectThrottle.Admission admission) {
        final LoginMode mode = login.mode();
        for (int attempt = 1; attempt <= DECISION_ATTEMPTS; attempt++) {
            final Verdict verdict = login.check(checker, clientId);
            if (verdict instanceof Verdict.Refused refused) {
                throttle.finished(admission, refused.reason() == Refusal.BAD_CREDENTIALS ?
                        ConnectThrottle.Outcome.BAD_CREDENTIALS : ConnectThrottle.Outcome.OTHER);
                refuse(input, output, clientId, mode, refused);
                return;
            }
            if (answerUnlessOvertaken(input, output, clientId, mode, verdict)) {
                throttle.finished(admission, ConnectThrottle.Outcome.SUCCEEDED);
                return;
            }
        }
        throttle.finished(admission, ConnectThrottle.Outcome.OTHER);
        refuse(input, output, clientId, mode, new Verdict.Refused(Refusal.UNAVAILABLE,
                "its account changed while it was checked, " + DECISION_ATTEMPTS + " times in a row"));
    }

    /**
     * Refuses a throttled CONNECT without a bcrypt check: 0x9F Connection rate exceeded for MQTT 5; MQTT 3.1.1 has
     * no such code, and HiveMQ would send 5 (not authorized), which firmware may take as final, so it gets 3 (server
     * unavailable): try again later.
     */
    private void refuseThrottled(final SimpleAuthInput input, final SimpleAuthOutput output,
                                 final String clientId, final LoginMode mode, final ConnectThrottle.Verdict verdict,
                                 final String addressKey) {
        final boolean mqtt5 = input.getConnectionInformation().getMqttVersion() == MqttVersion.V_5;
        final ConnackReasonCode code = mqtt5 ?
                ConnackReasonCode.CONNECTION_RATE_EXCEEDED : ConnackReasonCode.SERVER_UNAVAILABLE;
        counters.throttled(verdict);
        final String why = "throttled, too many failed logins " +
                (verdict == ConnectThrottle.Verdict.USERNAME_THROTTLED ?
                        "for its username from new addresses, now from " : "or logins waiting from ") + addressKey;
        // the audit line says it at INFO (rate-limited here); one line per decision, not two
        log.debug("account-auth: client '{}' refused with {}: {}", clientId, code, why);
        final long heldBack = throttledAudit.tryAcquire();
        if (heldBack >= 0) {
            audit(input, clientId, mode, code, why + (heldBack == 0 ? "" : " (and " + heldBack +
                    " more throttled CONNECTs since the last such line, not audited one by one)"));
        }
        failQuietly(output, code);
    }

    /** The client's address: the one a PROXY protocol header names, else the connection's. */
    private static Optional<InetAddress> sourceAddress(final SimpleAuthInput input) {
        final ConnectionInformation connection = input.getConnectionInformation();
        return connection.getProxyInformation().map(ProxyInformation::getSourceAddress)
                .or(connection::getInetAddress);
    }

    /**
     * Answers the client. A grant is registered first, where live changes reach it, and given only if no change
     * landed since its facts were read: otherwise false, and nothing is answered yet.
     */
    private boolean answerUnlessOvertaken(final SimpleAuthInput input, final SimpleAuthOutput output,
                                          final String clientId, final LoginMode mode, final Verdict verdict) {
        if (verdict instanceof Verdict.Refused refused) {
            refuse(input, output, clientId, mode, refused);
            return true;
        }
        final Verdict.Granted granted = (Verdict.Granted) verdict;
        // what the broker checks this connection's messages against; live changes update it through the grant
        final ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        BrokerPermissions.show(permissions, granted.plan());
        final ConnectedClients.Grant grant = clients.register(clientId, granted.record(), granted.plan(),
                input.getConnectPacket().getCleanStart(),
                input.getConnectPacket().getWillPublish().map(WillPublishPacket::getTopic), permissions,
                mode.needsPassword());
        if (!checker.stillCurrent(granted)) {
            // a change landed between reading the facts and registering: the refresher may have missed this grant
            clients.withdraw(grant);
            BrokerPermissions.denyAll(permissions);
            log.debug("account-auth: client '{}': a live change overtook its check, checking again", clientId);
            return false;
        }
        log.debug("account-auth: client '{}' authenticated as {} with {} publish and {} subscribe permissions",
                clientId, granted.record().principal(), granted.plan().permissions().publish().size(),
                granted.plan().permissions().subscribe().size());
        // handed on (not run) once the grant is registered: the UPDATE's live change finds the grant, and Rehashes
        // tells the refresher the password stayed the same
        granted.upgrade().ifPresent(upgrades);
        counters.allowed.inc(); // before the answer: whoever hears it finds it counted
        try {
            output.authenticateSuccessfully();
            AuditLog.connectAllowed(clientId, granted.record().principal().toString(), source(input),
                    listener(input), mode.configName(), granted.plan().permissions().publish().size(),
                    granted.plan().permissions().subscribe().size());
        } catch (final RuntimeException e) {
            // the timeout already answered: the client got 0x88 and its grant must not outlive it
            counters.allowed.dec();
            counters.timeout.inc();
            clients.withdraw(grant);
        }
        return true;
    }

    private static void audit(final SimpleAuthInput input, final String clientId, final LoginMode mode,
                              final ConnackReasonCode code, final String why) {
        AuditLog.connectRefused(clientId, source(input), listener(input), mode.configName(), code.name(), why);
    }

    private static String source(final SimpleAuthInput input) {
        return sourceAddress(input).map(InetAddress::getHostAddress).orElse("<unknown>");
    }

    private static String listener(final SimpleAuthInput input) {
        return listenerName(input).orElse(null);
    }

    private static Optional<String> listenerName(final SimpleAuthInput input) {
        return input.getConnectionInformation().getListener().map(Listener::getName);
    }

    /** The certificate HiveMQ checked against the listener's truststore; none on a listener without TLS. */
    private static Optional<X509Certificate> clientCertificate(final SimpleAuthInput input) {
        return input.getConnectionInformation().getClientTlsInformation()
                .flatMap(ClientTlsInformation::getClientCertificate);
    }

    private void refuse(final SimpleAuthInput input, final SimpleAuthOutput output, final String clientId,
                        final LoginMode mode, final Verdict.Refused refused) {
        counters.refused(refused.reason());
        final ConnackReasonCode code = switch (refused.reason()) {
            case BAD_CREDENTIALS -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
            case NOT_AUTHORIZED -> ConnackReasonCode.NOT_AUTHORIZED;
            case CLIENT_ID_NOT_VALID -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
            case UNAVAILABLE -> ConnackReasonCode.SERVER_UNAVAILABLE;
        };
        // LogSafe: a refused client id may be 64 KB long or hold control characters; the audit line says it at INFO
        log.debug("account-auth: client {} refused with {}: {}", LogSafe.of(clientId), code, refused.explanation());
        audit(input, clientId, mode, code, refused.explanation());
        failQuietly(output, code);
    }

    /**
     * What one CONNECT presented: a username and password, or the device its certificate names (with a password in
     * certificate-and-password mode).
     */
    private record Login(LoginMode mode, Optional<String> username, Optional<LoginName> certificateDevice,
                         byte[] password) {

        Optional<Verdict> checkWithoutBlocking(final CredentialChecker checker, final String clientId) {
            return certificateDevice.isPresent() ?
                    checker.checkCertificateWithoutBlocking(certificateDevice.get(), mode, password, clientId) :
                    checker.checkWithoutBlocking(username, password, clientId);
        }

        Verdict check(final CredentialChecker checker, final String clientId) {
            return certificateDevice.isPresent() ?
                    checker.checkCertificate(certificateDevice.get(), mode, password, clientId) :
                    checker.check(username, password, clientId);
        }

        /** The throttle's username key: the certificate's device, or the username's. */
        Optional<String> lookupKey() {
            return certificateDevice.or(() -> UsernameParser.parse(username.orElse(null)))
                    .map(LoginName::lookupKey);
        }
    }

    private static void failQuietly(final SimpleAuthOutput output, final ConnackReasonCode code) {
        try {
            output.failAuthentication(code);
        } catch (final RuntimeException ignored) {
            // already decided by the timeout fallback
        }
    }

    /** Copies the password off the broker's buffer; anything over bcrypt's limit is kept only as "too long". */
    private static byte[] copyPassword(final Optional<ByteBuffer> password) {
        if (password.isEmpty()) {
            return null;
        }
        final ByteBuffer buffer = password.get().asReadOnlyBuffer();
        final byte[] bytes = new byte[Math.min(buffer.remaining(), 73)];
        buffer.get(bytes);
        return bytes;
    }
}
