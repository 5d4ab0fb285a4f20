package com.accountauth.extension.connection;

import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.metrics.ExtensionMetrics;
import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectedKindsTest {

    private final MetricRegistry registry = new MetricRegistry();
    private final ConnectedKinds kinds = new ConnectedKinds(new ExtensionMetrics(registry));

    private Object gauge(final String kind) {
        return registry.getGauges().get("com.accountauth.clients.connected." + kind).getValue();
    }

    @Test
    void countsByKindUntilDisconnect() {
        kinds.connected("cam", Principal.Kind.DEVICE);
        kinds.connected("phone", Principal.Kind.USER);
        kinds.connected("backend", Principal.Kind.SERVICE);
        kinds.connected("cam2", Principal.Kind.DEVICE);
        assertEquals(2L, gauge("device"));
        assertEquals(1L, gauge("user"));
        assertEquals(1L, gauge("service"));
        kinds.disconnected("cam");
        kinds.disconnected("phone");
        kinds.disconnected("phone"); // a second disconnect of one connection, or of one never counted
        kinds.disconnected("never-counted");
        assertEquals(1L, gauge("device"));
        assertEquals(0L, gauge("user"));
    }

    @Test
    void aTakeoverCountsOnceWhicheverEventComesFirst() {
        kinds.connected("phone", Principal.Kind.USER);
        kinds.connected("phone", Principal.Kind.USER); // the new connection before the old one's disconnect
        kinds.disconnected("phone");
        assertEquals(1L, gauge("user"));
        kinds.disconnected("phone"); // the old one's disconnect first, then the new connection
        kinds.connected("phone", Principal.Kind.USER);
        assertEquals(1L, gauge("user"));
    }

    @Test
    void theTakenOverKindGoesFirst() {
        kinds.connected("shared-id", Principal.Kind.SERVICE);
        kinds.connected("shared-id", Principal.Kind.USER);
        kinds.disconnected("shared-id");
        assertEquals(0L, gauge("service"));
        assertEquals(1L, gauge("user"));
    }
}
