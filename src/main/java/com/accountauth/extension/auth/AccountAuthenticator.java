package com.accountauth.extension.auth;

import com.accountauth.extension.identity.Principal;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * Authenticates every CONNECT against the account DB. The broker thread only copies the credentials and hands them
 * to the workers; the answer comes back through the async output, and a timeout answers 0x88 Server unavailable.
 */
public final class AccountAuthenticator implements SimpleAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(AccountAuthenticator.class);

    private final CredentialChecker checker;
    private final AuthenticationWorkers workers;
    private final ConnectedClients clients;
    private final Duration timeout;

    public AccountAuthenticator(final CredentialChecker checker, final AuthenticationWorkers workers,
                                final ConnectedClients clients, final Duration timeout) {
        this.checker = checker;
        this.workers = workers;
        this.clients = clients;
        this.timeout = timeout;
    }

    @Override
    public void onConnect(final SimpleAuthInput input, final SimpleAuthOutput output) {
        final String clientId = input.getClientInformation().getClientId();
        final Optional<String> username = input.getConnectPacket().getUserName();
        final byte[] password = copyPassword(input.getConnectPacket().getPassword());
        // the broker checks every PUBLISH, Will and SUBSCRIBE against these: what is not listed is denied
        BrokerPermissions.denyAll(output.getDefaultPermissions());

        // a reconnect whose every fact is cached is decided here, without a thread hop: nothing here blocks
        final Optional<Verdict> cached = checker.checkWithoutBlocking(username, password, clientId);
        if (cached.isPresent()) {
            answer(input, output, clientId, cached.get());
            Arrays.fill(password, (byte) 0); // not null: a cached decision needs a password
            return;
        }
        final Async<SimpleAuthOutput> async =
                output.async(timeout, TimeoutFallback.FAILURE, ConnackReasonCode.SERVER_UNAVAILABLE);
        final long deadline = System.nanoTime() + timeout.toNanos();
        try {
            workers.submit(() -> {
                try {
                    if (System.nanoTime() - deadline > 0) {
                        log.warn("account-auth: client '{}' refused: authentication timed out waiting for a worker",
                                clientId);
                        return; // the timeout fallback has already refused it
                    }
                    answer(input, output, clientId, checker.check(username, password, clientId));
                } catch (final RuntimeException e) {
                    log.error("account-auth: client '{}' refused: unexpected error during authentication", clientId,
                            e);
                    failQuietly(output, ConnackReasonCode.SERVER_UNAVAILABLE);
                } finally {
                    if (password != null) {
                        Arrays.fill(password, (byte) 0);
                    }
                    async.resume();
                }
            });
        } catch (final RejectedExecutionException e) {
            log.warn("account-auth: client '{}' refused with 0x88: authentication queue is full", clientId);
            failQuietly(output, ConnackReasonCode.SERVER_UNAVAILABLE);
            async.resume();
        }
    }

    private void answer(final SimpleAuthInput input, final SimpleAuthOutput output, final String clientId,
                        final Verdict verdict) {
        if (verdict instanceof Verdict.Refused refused) {
            final ConnackReasonCode code = switch (refused.reason()) {
                case BAD_CREDENTIALS -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
                case NOT_AUTHORIZED -> ConnackReasonCode.NOT_AUTHORIZED;
                case CLIENT_ID_NOT_VALID -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
                case UNAVAILABLE -> ConnackReasonCode.SERVER_UNAVAILABLE;
            };
            log.info("account-auth: client '{}' refused with {}: {}", clientId, code, refused.explanation());
            failQuietly(output, code);
            return;
        }
        final Verdict.Granted granted = (Verdict.Granted) verdict;
        final Principal principal = granted.record().principal();
        final ConnectedClients.Grant grant = clients.register(clientId, granted.record(), granted.plan(),
                input.getConnectPacket().getCleanStart(),
                input.getConnectPacket().getWillPublish().map(WillPublishPacket::getTopic),
                output.getDefaultPermissions());
        log.debug("account-auth: client '{}' authenticated as {} with {} publish and {} subscribe permissions",
                clientId, principal, granted.plan().permissions().publish().size(),
                granted.plan().permissions().subscribe().size());
        try {
            output.authenticateSuccessfully();
        } catch (final RuntimeException e) {
            // the timeout already answered: the client got 0x88 and its grant must not outlive it
            clients.withdraw(grant);
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
