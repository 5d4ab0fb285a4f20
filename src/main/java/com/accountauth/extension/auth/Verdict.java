package com.accountauth.extension.auth;

import com.accountauth.extension.acl.Permissions;
import com.accountauth.extension.identity.Principal;

/** The outcome of checking one CONNECT's credentials. */
public sealed interface Verdict {

    /** The credentials are good: who it is and what it may do. */
    record Granted(Principal principal, Permissions permissions) implements Verdict {
    }

    /** Refused, with the reason for the client and an explanation for the log (no secrets). */
    record Refused(Refusal reason, String explanation) implements Verdict {
    }
}
