package com.accountauth.extension.identity;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIdPatternTest {

    private static final Map<String, String> CAM = Map.of("mac", "00:1B:FE:0D:44:21", "uid", "XRHIU1Z76KFMWXPDWQFM");

    private static ClientIdPattern device(final String template) {
        return ClientIdPattern.parse(template, ClientIdPattern.DEVICE_PLACEHOLDERS).pattern();
    }

    @Test
    void deviceMustUseItsMacOrUid() {
        final ClientIdPattern pattern = device("${{mac}}|${{uid}}");
        assertTrue(pattern.matches("00:1B:FE:0D:44:21", CAM));
        assertTrue(pattern.matches("XRHIU1Z76KFMWXPDWQFM", CAM));
        assertFalse(pattern.matches("XRHIU1Z76KFMWXPDWQFM-2", CAM));
        assertFalse(pattern.matches("00:1B:FE:0D:44:22", CAM));
    }

    @Test
    void valuesAreQuotedNotRegex() {
        final ClientIdPattern pattern = device("cam-${{uid}}");
        assertTrue(pattern.matches("cam-a.b", Map.of("uid", "a.b")));
        assertFalse(pattern.matches("cam-axb", Map.of("uid", "a.b")));
    }

    @Test
    void missingValueNeverMatches() {
        assertFalse(device("${{uid}}").matches("", Map.of()));
    }

    @Test
    void badPatternsAreReported() {
        assertNotNull(ClientIdPattern.parse("${{clientid}}", ClientIdPattern.DEVICE_PLACEHOLDERS).error());
        assertNotNull(ClientIdPattern.parse("app-(${{id}}", ClientIdPattern.ACCOUNT_PLACEHOLDERS).error());
        assertNotNull(ClientIdPattern.parse("${{mac}}", ClientIdPattern.ACCOUNT_PLACEHOLDERS).error());
    }
}
