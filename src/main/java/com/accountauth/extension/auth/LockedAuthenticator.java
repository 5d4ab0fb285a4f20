package com.accountauth.extension.auth;

import com.accountauth.extension.principal.BrokerPermissions;
import com.accountauth.extension.util.LogSafe;
import com.accountauth.extension.util.RateLimitedLog;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * What the extension registers when it cannot start (invalid config.xml, a pool that cannot be built): it refuses
 * every CONNECT with 0x88 Server unavailable (MQTT 3.1.1: 3). Without it, the broker would leave the decision to
 * the next extension, and HiveMQ CE ships one that admits everyone (hivemq-allow-all-extension, priority 0): a
 * final refusal here ends HiveMQ's chain of authenticators before it gets there. Nothing here blocks.
 */
public final class LockedAuthenticator implements SimpleAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(LockedAuthenticator.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String why;
    private final RateLimitedLog refusals;

    /** @param why the reason the extension did not start, without secrets; logged with refusals */
    public LockedAuthenticator(final String why) {
        this(why, new RateLimitedLog(LOG_INTERVAL_NANOS, System::nanoTime));
    }

    LockedAuthenticator(final String why, final RateLimitedLog refusals) {
        this.why = why;
        this.refusals = refusals;
    }

    @Override
    public void onConnect(final SimpleAuthInput input, final SimpleAuthOutput output) {
        BrokerPermissions.denyAll(output.getDefaultPermissions());
        output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "Server unavailable");
        final long heldBack = refusals.tryAcquire();
        if (heldBack >= 0) {
            log.warn("account-auth: client {} refused with 0x88: the extension is locked, it did not start ({})" +
                            "{}", LogSafe.of(input.getClientInformation().getClientId()), why,
                    heldBack == 0 ? "" : "; " + heldBack + " more refused since the last such line");
        }
    }
}
