package com.accountauth.extension.sync;

import com.hivemq.extension.sdk.api.interceptor.unsubscribe.UnsubscribeInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.unsubscribe.parameter.UnsubscribeInboundInput;
import com.hivemq.extension.sdk.api.interceptor.unsubscribe.parameter.UnsubscribeInboundOutput;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the client's hands off the subscriptions the extension keeps in its session (the
 * {@link SessionSubscriptions#REVOKED_MARK revoked mark}): HiveMQ does not authorize UNSUBSCRIBE, so a client could
 * otherwise remove the mark and with it the outbound check of messages queued before a revocation. Every filter in
 * the extension's namespace is swapped for one that no session ever holds, so nothing is removed for it (HiveMQ CE
 * still answers Success, as it does for any filter) and the rest of its UNSUBSCRIBE goes through. HiveMQ does not let
 * an interceptor drop a filter (the count must stay), hence the swap.
 */
public final class RevokedMarkKeeper implements UnsubscribeInboundInterceptor {

    /** One instance serves every client: it has no state. */
    public static final RevokedMarkKeeper INSTANCE = new RevokedMarkKeeper();

    /** The extension's own subscriptions live under this prefix; no permission lets a client subscribe there. */
    static final String NAMESPACE = "$account-auth/";

    /** What an UNSUBSCRIBE of the extension's filters becomes: a filter no session is ever subscribed to. */
    static final String NEVER_SUBSCRIBED = NAMESPACE + "not-unsubscribable";

    private RevokedMarkKeeper() {
    }

    @Override
    public void onInboundUnsubscribe(final UnsubscribeInboundInput input, final UnsubscribeInboundOutput output) {
        final List<String> filters = output.getUnsubscribePacket().getTopicFilters();
        final List<String> kept = withoutOwnFilters(filters);
        if (!kept.equals(filters)) {
            output.getUnsubscribePacket().setTopicFilters(kept);
        }
    }

    /** The filters with each one in the extension's namespace (the mark, also with a trailing '/') swapped. */
    static List<String> withoutOwnFilters(final List<String> filters) {
        final List<String> kept = new ArrayList<>(filters.size());
        for (final String filter : filters) {
            kept.add(filter.startsWith(NAMESPACE) ? NEVER_SUBSCRIBED : filter);
        }
        return kept;
    }
}
