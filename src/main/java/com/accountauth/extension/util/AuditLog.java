package com.accountauth.extension.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The audit trail, on a logger of its own ({@value #LOGGER_NAME}) so that operators can route it to a file of its own
 * in HiveMQ's logback.xml: one line per CONNECT decision and per live change applied to connected clients. Never a
 * password or a hash; client-supplied text goes through {@link LogSafe}. Lines start with a fixed word (CONNECT,
 * CHANGE) and carry key=value pairs, so they can be grepped and parsed; with {@code <audit><format>json}, each line is
 * one JSON object instead ({@link JsonLine}), for log shippers (docs/ADMIN-CLI.md).
 */
public final class AuditLog {

    /** The logger's name, for logback.xml. */
    public static final String LOGGER_NAME = "account-auth.audit";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER_NAME);

    /** How lines are written; set once at extension start, from config.xml. */
    public enum Format { TEXT, JSON }

    // static like the logger it writes to: each broker loads the extension's classes in a class loader of its own
    private static volatile Format format = Format.TEXT;

    private AuditLog() {
    }

    public static void useFormat(final Format chosen) {
        format = chosen;
    }

    /** A CONNECT let in. */
    public static void connectAllowed(final String clientId, final String principal, final String source,
                                      final String listener, final String method, final int publish,
                                      final int subscribe) {
        if (format == Format.JSON) {
            audit.info(new JsonLine().field("event", "connect_allowed").clientField("client_id", clientId)
                    .field("principal", principal).field("address", source).clientField("listener", listener)
                    .field("method", method).field("publish_permissions", publish)
                    .field("subscribe_permissions", subscribe).toString());
            return;
        }
        audit.info("CONNECT allowed client={} principal={} source={} listener={} method={} publish-permissions={} " +
                "subscribe-permissions={}", LogSafe.of(clientId), principal, source, LogSafe.of(listener), method,
                publish, subscribe);
    }

    /**
     * A CONNECT refused: the CONNACK code and why (without secrets: the checker's explanation). {@code method} is
     * the listener's login mode: password, certificate or certificate-and-password.
     */
    public static void connectRefused(final String clientId, final String source, final String listener,
                                      final String method, final String code, final String why) {
        if (format == Format.JSON) {
            audit.info(new JsonLine().field("event", "connect_refused").clientField("client_id", clientId)
                    .field("address", source).clientField("listener", listener).field("method", method)
                    .field("reason_code", code).field("why", why).toString());
            return;
        }
        audit.info("CONNECT refused client={} source={} listener={} method={} code={} why={}", LogSafe.of(clientId),
                source, LogSafe.of(listener), method, code, why);
    }

    /** A live change that updated the permissions of a principal's connected clients. */
    public static void clientsUpdated(final String principal, final List<String> clientIds, final int publish,
                                      final int subscribe) {
        if (format == Format.JSON) {
            audit.info(new JsonLine().field("event", "change_applied").field("principal", principal)
                    .field("client_ids", clientIds).field("publish_permissions", publish)
                    .field("subscribe_permissions", subscribe).toString());
            return;
        }
        audit.info("CHANGE applied principal={} clients={} now publish-permissions={} subscribe-permissions={}",
                principal, clientIds.stream().map(LogSafe::of).toList(), publish, subscribe);
    }

    /** A live change that disconnects a connected client. */
    public static void clientDisconnected(final String clientId, final String principal, final String code,
                                          final String why) {
        if (format == Format.JSON) {
            audit.info(new JsonLine().field("event", "change_disconnect").clientField("client_id", clientId)
                    .field("principal", principal).field("reason_code", code).field("why", why).toString());
            return;
        }
        audit.info("CHANGE disconnect client={} principal={} code={} why={}", LogSafe.of(clientId), principal, code,
                why);
    }
}
