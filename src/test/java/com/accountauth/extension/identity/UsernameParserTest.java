package com.accountauth.extension.identity;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsernameParserTest {

    @ParameterizedTest
    @CsvSource({
            "00:1B:FE:0D:44:21, 00:1B:FE:0D:44:21",
            "00:1b:fe:0d:44:21, 00:1B:FE:0D:44:21",
            "00-1b-fe-0d-44-21, 00:1B:FE:0D:44:21",
    })
    void macAddressesAreDevicesNormalised(final String username, final String key) {
        final LoginName login = UsernameParser.parse(username).orElseThrow();
        assertEquals(LoginName.Kind.DEVICE, login.kind());
        assertEquals(key, login.lookupKey());
    }

    @ParameterizedTest
    @CsvSource({
            "alice@example.com, alice@example.com",
            "ALICE@Example.COM, alice@example.com",
            "bob+cams@example.com, bob+cams@example.com",
    })
    void emailsAreAccountsInLowerCase(final String username, final String key) {
        final LoginName login = UsernameParser.parse(username).orElseThrow();
        assertEquals(LoginName.Kind.ACCOUNT, login.kind());
        assertEquals(key, login.lookupKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", "00:1B:FE:0D:44", "00:1B:FE:0D:44:21:33", "00:1B-FE:0D:44:21",
            "001BFE0D4421", "GG:1B:FE:0D:44:21", "ALICE@x.com ", " alice@x.com", "al ice@x.com", "a@b@c",
            "@x.com", "alice@", "ali\u0000ce@x.com", "ali\nce@x.com", "alice@x.com\u2028", "alice@x.com\u00a0",
            "bad\ud800@x.com", "#", "+"})
    void everythingElseIsRefused(final String username) {
        assertTrue(UsernameParser.parse(username).isEmpty(), username);
    }

    @org.junit.jupiter.api.Test
    void nullAndOverlongAreRefused() {
        assertTrue(UsernameParser.parse(null).isEmpty());
        assertTrue(UsernameParser.parse("a".repeat(250) + "@x.com").isEmpty());
    }
}
