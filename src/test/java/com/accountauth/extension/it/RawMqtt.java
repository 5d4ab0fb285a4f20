package com.accountauth.extension.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw MQTT connection for the bytes real clients refuse to send (NUL or ill-formed UTF-8 in a field, a password
 * without a username, an empty client id with a persistent session, a topic alias re-bound by hand, 65k topic
 * levels). It writes packets byte by byte and reads what the broker answers; {@link #CLOSED} when it closed instead.
 */
final class RawMqtt implements AutoCloseable {

    /** What a read returns when the broker closed the connection (or sent nothing within the wait). */
    static final int CLOSED = -1;
    /** What a read returns when the broker neither answered nor closed within the wait (10 s). */
    static final int TIMEOUT = -2;

    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int SUBACK = 9;
    static final int DISCONNECT = 14;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean v5;

    private RawMqtt(final int port, final boolean v5) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            this.v5 = v5;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawMqtt v5(final int port) {
        return new RawMqtt(port, true);
    }

    static RawMqtt v3(final int port) {
        return new RawMqtt(port, false);
    }

    /** A packet as read: its type (upper nibble of the first byte) and body; type {@link #CLOSED} if none came. */
    record Packet(int type, byte[] body) {
        /** The reason code of a CONNACK, PUBACK or DISCONNECT (v3: the CONNACK return code). */
        int reasonCode(final boolean v5) {
            if (type == CONNACK) {
                return body[1] & 0xFF;
            }
            if (type == PUBACK) {
                return body.length > 2 ? body[2] & 0xFF : 0;
            }
            if (type == DISCONNECT) {
                return body.length > 0 ? body[0] & 0xFF : 0;
            }
            throw new AssertionError("no reason code in packet type " + type);
        }
    }

    /**
     * Sends a CONNECT; {@code null} leaves a field's flag unset. Returns the CONNACK's code, or {@link #CLOSED}.
     */
    int connect(final byte[] clientId, final byte[] username, final byte[] password, final boolean cleanStart) {
        return connect(clientId, username, password, cleanStart, null, false);
    }

    /** Like {@link #connect(byte[], byte[], byte[], boolean)}, with a QoS 1 Will to {@code willTopic} if not null. */
    int connect(final byte[] clientId, final byte[] username, final byte[] password, final boolean cleanStart,
                final byte[] willTopic, final boolean willRetain) {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT".getBytes(StandardCharsets.US_ASCII));
        body.write(v5 ? 5 : 4);
        body.write((username != null ? 0x80 : 0) | (password != null ? 0x40 : 0) | (cleanStart ? 0x02 : 0)
                | (willTopic != null ? 0x0C : 0) | (willTopic != null && willRetain ? 0x20 : 0));
        body.write(0);
        body.write(60); // keep alive
        if (v5) {
            body.write(0); // no properties
        }
        string(body, clientId);
        if (willTopic != null) {
            if (v5) {
                body.write(0); // no Will properties
            }
            string(body, willTopic);
            string(body, "gone".getBytes(StandardCharsets.US_ASCII));
        }
        if (username != null) {
            string(body, username);
        }
        if (password != null) {
            string(body, password);
        }
        send(0x10, body.toByteArray());
        final Packet answer = read();
        return answer.type() == CONNACK ? answer.reasonCode(v5) : answer.type() == TIMEOUT ? TIMEOUT : CLOSED;
    }

    /** Connects with a fresh client id; fails unless the CONNACK says success. */
    RawMqtt connected(final String username, final String password) {
        final int code = connect(MqttClients.newId().getBytes(StandardCharsets.UTF_8),
                username.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8), true);
        if (code != 0) {
            throw new AssertionError(username + " could not connect: " + code);
        }
        return this;
    }

    /** Sends a SUBSCRIBE of one filter at QoS 1; the SUBACK's code, a DISCONNECT's as for {@link #publish}, or
     * {@link #CLOSED}. */
    int subscribe(final byte[] filter) {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        body.write(1); // packet id
        if (v5) {
            body.write(0);
        }
        string(body, filter);
        body.write(1);
        send(0x82, body.toByteArray());
        final Packet answer = readAnswer();
        if (answer.type() != SUBACK) {
            return answer.type() == TIMEOUT ? TIMEOUT : answer.type() == DISCONNECT ? -answer.reasonCode(true) - 1 :
                    CLOSED;
        }
        return answer.body()[answer.body().length - 1] & 0xFF;
    }

    /**
     * Sends a QoS 1 PUBLISH (v5 only), with topic alias {@code alias} if above 0; the PUBACK's code, or the
     * DISCONNECT's code as a negative number minus one (-0x82-1 for a DISCONNECT 0x82), or {@link #CLOSED}.
     */
    int publish(final byte[] topic, final int alias, final byte[] payload) {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        body.write(0);
        body.write(2); // packet id
        if (alias > 0) {
            body.write(3);
            body.write(0x23);
            body.write(alias >> 8);
            body.write(alias & 0xFF);
        } else {
            body.write(0);
        }
        body.writeBytes(payload);
        send(0x32, body.toByteArray());
        final Packet answer = readAnswer();
        if (answer.type() == PUBACK) {
            return answer.reasonCode(true);
        }
        if (answer.type() == DISCONNECT) {
            return -answer.reasonCode(true) - 1;
        }
        return answer.type() == TIMEOUT ? TIMEOUT : CLOSED;
    }

    /** The next packet, or type {@link #CLOSED} when the broker closed the connection or sent nothing in time. */
    Packet read() {
        try {
            final int first = in.read();
            if (first < 0) {
                return new Packet(CLOSED, new byte[0]);
            }
            int length = 0;
            int shift = 0;
            int digit;
            do {
                digit = in.readUnsignedByte();
                length |= (digit & 0x7F) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0);
            final byte[] body = new byte[length];
            in.readFully(body);
            return new Packet(first >> 4, body);
        } catch (final SocketTimeoutException silent) {
            return new Packet(TIMEOUT, new byte[0]);
        } catch (final EOFException | SocketException closed) {
            return new Packet(CLOSED, new byte[0]);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next packet that is not a PUBLISH to this client (e.g. through the extension's auto-subscriptions). */
    private Packet readAnswer() {
        Packet packet;
        do {
            packet = read();
        } while (packet.type() == PUBLISH);
        return packet;
    }

    /** True when the broker has closed the connection (reads to its end, skipping what it still sent). */
    boolean closedByBroker() {
        for (int i = 0; i < 10; i++) {
            final int type = read().type();
            if (type == TIMEOUT) {
                return false;
            }
            if (type == CLOSED) {
                return true;
            }
        }
        return false;
    }

    private void send(final int header, final byte[] body) {
        final ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        try {
            out.write(packet.toByteArray());
            out.flush();
        } catch (final IOException e) {
            // the broker may close before it has read all; the read that follows says so
        }
    }

    private static void string(final ByteArrayOutputStream body, final byte[] value) {
        body.write(value.length >> 8);
        body.write(value.length & 0xFF);
        body.writeBytes(value);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (final IOException ignored) {
            // closing anyway
        }
    }
}
