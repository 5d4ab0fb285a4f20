package com.accountauth.extension.password;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What a password may be, for every format alike; no logging here, so the command-line tools need no slf4j. */
final class PasswordBytes {

    /** bcrypt reads at most this many bytes; beyond it two different passwords would verify alike. */
    static final int MAX = 72;

    private PasswordBytes() {
    }

    static Optional<String> acceptable(final byte[] raw) {
        if (raw == null || raw.length == 0 || raw.length > MAX) {
            return Optional.empty();
        }
        for (final byte b : raw) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString());
        } catch (final CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
