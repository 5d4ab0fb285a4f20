package com.accountauth.extension.testsupport;

import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;

import java.lang.reflect.Proxy;
import java.util.Collection;

/** A connection's client context for unit tests: its permissions, and the interceptors added to it in a collection. */
public final class FakeClientContext {

    private FakeClientContext() {
    }

    public static ClientContext of(final ModifiableDefaultPermissions permissions,
                                   final Collection<Object> interceptors) {
        return (ClientContext) Proxy.newProxyInstance(ClientContext.class.getClassLoader(),
                new Class<?>[]{ClientContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getDefaultPermissions")) {
                        return permissions;
                    }
                    if (method.getName().startsWith("add") && args != null && args.length == 1) {
                        interceptors.add(args[0]);
                        return null;
                    }
                    if (method.getName().startsWith("remove") && args != null && args.length == 1) {
                        interceptors.remove(args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
