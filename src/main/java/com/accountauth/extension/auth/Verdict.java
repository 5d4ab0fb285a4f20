package com.accountauth.extension.auth;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.password.PasswordUpgrade;
import com.accountauth.extension.principal.PrincipalRecord;

import java.util.Optional;

/** The outcome of checking one CONNECT's credentials. */
public sealed interface Verdict {

    /**
     * The credentials are good: who it is and what it may do.
     *
     * @param readAt  the change generation before its first fact was read (see {@code ChangeClock})
     * @param upgrade the rewrite of a weak stored hash, for once the client is answered (upgrade on login)
     */
    record Granted(PrincipalRecord record, AccessPlan plan, long readAt, Optional<PasswordUpgrade> upgrade)
            implements Verdict {

        public Granted(final PrincipalRecord record, final AccessPlan plan, final long readAt) {
            this(record, plan, readAt, Optional.empty());
        }
    }

    /** Refused, with the reason for the client and an explanation for the log (no secrets). */
    record Refused(Refusal reason, String explanation) implements Verdict {
    }
}
