package com.accountauth.extension.auth;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;

/** The outcome of checking one CONNECT's credentials. */
public sealed interface Verdict {

    /**
     * The credentials are good: who it is and what it may do.
     *
     * @param readAt the change generation before its first fact was read (see {@code ChangeClock})
     */
    record Granted(PrincipalRecord record, AccessPlan plan, long readAt) implements Verdict {
    }

    /** Refused, with the reason for the client and an explanation for the log (no secrets). */
    record Refused(Refusal reason, String explanation) implements Verdict {
    }
}
