package com.accountauth.extension.cache;

import com.accountauth.extension.principal.AccessPlan;
import com.accountauth.extension.principal.PrincipalRecord;

/**
 * A principal's row as cached, with what was learnt about it since: the digest of the password that last matched its
 * hash, its access plan, and one client id known to be bound to it. One cache entry per principal instead of one per
 * fact saves about 200 bytes per connected client; a live change of the principal drops all of it at once.
 */
public final class CachedPrincipal {

    // null for "no such username"
    private final PrincipalRecord record;
    // the change generation before the row was read (see ChangeClock): a later change of it makes this entry stale
    private final long readAt;
    // the last matching password's digest (null: none yet); see AccessCaches#verified
    private volatile CredentialDigest verified;
    // null until loaded, and again after a change of a paired device; written under this object's monitor
    private volatile AccessPlan plan;
    // the change generation before the plan's pairings were read
    private volatile long planReadAt;
    // a client id read or bound as this principal's; others are kept in AccessCaches' client-id cache
    private volatile String boundClientId;

    CachedPrincipal(final PrincipalRecord record, final long readAt) {
        this.record = record;
        this.readAt = readAt;
    }

    /** The row; null for "no such username", which the caches never hand out. */
    public PrincipalRecord record() {
        return record;
    }

    boolean isUnknown() {
        return record == null;
    }

    long readAt() {
        return readAt;
    }

    long planReadAt() {
        return planReadAt;
    }

    boolean verifiedAs(final CredentialDigest digest) {
        return digest.equals(verified);
    }

    void verified(final CredentialDigest digest) {
        verified = digest;
    }

    AccessPlan plan() {
        return plan;
    }

    /** Only under this object's monitor, so a plan load and an invalidation never interleave. */
    void plan(final AccessPlan plan, final long readAt) {
        this.planReadAt = readAt;
        this.plan = plan;
    }

    boolean isBoundTo(final String clientId) {
        return clientId.equals(boundClientId);
    }

    /** Remembers the client id as this principal's unless another one already is; true when it is remembered here. */
    boolean bind(final String clientId) {
        if (boundClientId == null) {
            boundClientId = clientId; // two racing binds: either may win, both are this principal's
        }
        return clientId.equals(boundClientId);
    }

    /** Forgets the bound client id (its binding may have been deleted). */
    void unbind() {
        boundClientId = null;
    }

    @Override
    public String toString() {
        return isUnknown() ? "unknown" : record.toString();
    }

    /**
     * The first 128 bits of an HMAC of the stored hash and the password. Guessing a match means forging a 128-bit MAC
     * under a key that never leaves the heap.
     */
    record CredentialDigest(long high, long low) {
    }
}
