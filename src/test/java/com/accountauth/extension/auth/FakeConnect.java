package com.accountauth.extension.auth;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ClientInformation;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.builder.TopicPermissionBuilder;
import com.hivemq.extensions.auth.parameter.TopicPermissionImpl;
import com.hivemq.extensions.packets.general.ModifiableDefaultPermissionsImpl;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One CONNECT as HiveMQ hands it to a {@code SimpleAuthenticator}, and what the authenticator answered: the input
 * and the output are stand-ins for the broker's own (the output refuses a second answer, as HiveMQ's does), the
 * default permissions are HiveMQ's own class.
 */
final class FakeConnect {

    /** What the authenticator answered. */
    record Answer(boolean granted, ConnackReasonCode code) {
    }

    final String clientId;
    final Optional<String> username;
    final Optional<ByteBuffer> password;
    final ModifiableDefaultPermissionsImpl permissions = new ModifiableDefaultPermissionsImpl();
    final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private String listener;
    private boolean tls;
    private X509Certificate certificate;
    volatile boolean wentAsync;
    volatile boolean resumed;

    FakeConnect(final String clientId, final String username, final String password) {
        this.clientId = clientId;
        this.username = Optional.ofNullable(username);
        this.password = Optional.ofNullable(password)
                .map(value -> ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Comes in on the listener of that name; with {@code tls}, a TLS listener, where the client presented
     * {@code certificate} (null: none).
     */
    FakeConnect on(final String listenerName, final boolean overTls, final X509Certificate clientCertificate) {
        this.listener = listenerName;
        this.tls = overTls;
        this.certificate = clientCertificate;
        return this;
    }

    /** Lets {@code Builders.topicPermission()} work without a broker, building HiveMQ's own permission class. */
    static void installBuilders() throws ReflectiveOperationException {
        final Field field = Builders.class.getDeclaredField("builders");
        field.setAccessible(true);
        final Map<String, Supplier<Object>> builders = new HashMap<>();
        builders.put(TopicPermissionBuilder.class.getCanonicalName(), FakeConnect::topicPermissionBuilder);
        field.set(null, builders);
    }

    private static Object topicPermissionBuilder() {
        final Map<String, Object> values = new HashMap<>();
        return proxy(TopicPermissionBuilder.class, (self, method, args) -> {
            if (method.getName().equals("build")) {
                return new TopicPermissionImpl((String) values.get("topicFilter"),
                        (TopicPermission.PermissionType) values.get("type"), TopicPermission.Qos.ALL,
                        (TopicPermission.MqttActivity) values.get("activity"), TopicPermission.Retain.ALL,
                        TopicPermission.SharedSubscription.ALL, "#");
            }
            values.put(method.getName(), args[0]);
            return self;
        });
    }

    SimpleAuthInput input() {
        final ConnectPacket packet = proxy(ConnectPacket.class, (self, method, args) -> switch (method.getName()) {
            case "getUserName" -> username;
            case "getPassword" -> password.map(ByteBuffer::asReadOnlyBuffer);
            case "getCleanStart" -> true;
            case "getClientId" -> clientId;
            default -> method.getReturnType() == Optional.class ? Optional.empty() : null;
        });
        final ClientInformation client = proxy(ClientInformation.class, (self, method, args) -> clientId);
        final ConnectionInformation connection = proxy(ConnectionInformation.class, (self, method, args) ->
                switch (method.getName()) {
                    case "getMqttVersion" -> MqttVersion.V_5;
                    case "getInetAddress" -> Optional.of(InetAddress.getLoopbackAddress());
                    case "getListener" -> Optional.ofNullable(listener).map(name -> proxy(Listener.class,
                            (l, m, a) -> m.getName().equals("getName") ? name : null));
                    case "getClientTlsInformation" -> tls ? Optional.of(proxy(ClientTlsInformation.class,
                            (t, m, a) -> m.getName().equals("getClientCertificate") ?
                                    Optional.ofNullable(certificate) : null)) : Optional.empty();
                    default -> Optional.empty();
                });
        return proxy(SimpleAuthInput.class, (self, method, args) -> switch (method.getName()) {
            case "getConnectPacket" -> packet;
            case "getClientInformation" -> client;
            case "getConnectionInformation" -> connection;
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    SimpleAuthOutput output() {
        return proxy(SimpleAuthOutput.class, (self, method, args) -> switch (method.getName()) {
            case "getDefaultPermissions" -> permissions;
            case "authenticateSuccessfully" -> decide(new Answer(true, ConnackReasonCode.SUCCESS));
            case "failAuthentication" -> decide(new Answer(false, args == null ? ConnackReasonCode.NOT_AUTHORIZED :
                    (ConnackReasonCode) args[0]));
            case "async" -> {
                wentAsync = true;
                yield proxy(Async.class, (a, m, x) -> {
                    if (m.getName().equals("resume")) {
                        resumed = true;
                    }
                    return null;
                });
            }
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    private Object decide(final Answer decided) {
        if (!answer.complete(decided)) {
            throw new UnsupportedOperationException("already decided: " + answer.join());
        }
        return null;
    }

    /** The answer, once given. */
    Answer awaitAnswer() throws Exception {
        return answer.get(10, TimeUnit.SECONDS);
    }

    /** The topic filters the connection's default permissions allow. */
    List<String> allowedFilters() {
        return permissions.asList().stream().map(TopicPermission::getTopicFilter).sorted().toList();
    }


    @SuppressWarnings("unchecked")
    private static <T> T proxy(final Class<T> type, final InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(FakeConnect.class.getClassLoader(), new Class<?>[]{type}, (self, method,
                                                                                                      args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> type.getSimpleName();
                };
            }
            return handler.invoke(self, method, args);
        });
    }
}
