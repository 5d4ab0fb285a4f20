package com.accountauth.extension.sync;

import com.hivemq.extension.sdk.api.packets.general.Qos;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The subscriptions of the broker's sessions, as {@link SessionSubscriptions} changes them: HiveMQ's subscription
 * store in the broker ({@link HiveMqSessionStore}), a store whose calls a test can hold in unit tests.
 */
public interface SessionStore {

    /** The topic filters the session of {@code clientId} is subscribed to. */
    CompletableFuture<Set<String>> filters(String clientId);

    /** Subscribes the session to {@code filters} at {@code qos}. */
    CompletableFuture<Void> add(String clientId, Set<String> filters, Qos qos);

    /** Unsubscribes the session from {@code filters}. */
    CompletableFuture<Void> remove(String clientId, Set<String> filters);
}
