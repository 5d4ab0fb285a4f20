package com.accountauth.extension.identity;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void anchorsAndFlagsKeepTheirMeaning() {
        assertTrue(device("^${{uid}}$").matches("XRHIU1Z76KFMWXPDWQFM", CAM));
        assertFalse(device("^${{uid}}$").matches("XRHIU1Z76KFMWXPDWQFM-2", CAM));
        assertTrue(device("(?i)cam-${{uid}}").matches("CAM-xrhiu1z76kfmwxpdwqfm", CAM));
        assertTrue(device("${{uid}}(-[0-9]+)?").matches("XRHIU1Z76KFMWXPDWQFM-7", CAM));
        assertTrue(device("${{uid}}-${{uid}}").matches("XRHIU1Z76KFMWXPDWQFM-XRHIU1Z76KFMWXPDWQFM", CAM));
        assertFalse(device("${{uid}}-${{uid}}").matches("XRHIU1Z76KFMWXPDWQFM-X", CAM));
    }

    @Test
    void aClientIdOrValueWithNulNeverMatches() {
        // NUL separates the values behind the client id: one in the input must not move them
        assertFalse(device(".*").matches("a\0b", CAM));
        assertFalse(device("${{uid}}.*").matches("a\0a", Map.of("uid", "a")));
        assertFalse(device("${{uid}}").matches("a", Map.of("uid", "a\0")));
    }

    @Test
    void numberedBackReferencesAreRefusedAtStart() {
        // the value groups come first and would renumber them
        assertNotNull(ClientIdPattern.parse("(a)\\1-${{uid}}", ClientIdPattern.DEVICE_PLACEHOLDERS).error());
        // an escaped backslash before a digit is not one
        assertTrue(device("\\\\1${{uid}}").matches("\\1u", Map.of("uid", "u")));
    }

    @Test
    void matchesAsTheTemplateFilledWithQuotedValuesWould() {
        // the reference: the template with each value quoted in, compiled per call (what was done per CONNECT)
        final List<String> templates = List.of("${{mac}}|${{uid}}", "cam-${{uid}}", "(?i)${{mac}}(/.*)?",
                "${{uid}}[0-9]{0,3}", "^(${{mac}}|x-${{uid}})$", "${{uid}}.*${{mac}}", ".*");
        final List<Map<String, String>> valueSets = List.of(CAM, Map.of("mac", "a.b", "uid", "(x)*"),
                Map.of("mac", "\\E.*\\Q", "uid", "$1"));
        final List<String> clientIds = List.of("", "00:1B:FE:0D:44:21", "XRHIU1Z76KFMWXPDWQFM", "cam-XRHIU1Z76KFMWXPDWQFM",
                "00:1b:fe:0d:44:21/x", "XRHIU1Z76KFMWXPDWQFM123", "XRHIU1Z76KFMWXPDWQFM1234", "a.b", "axb", "(x)*",
                "xx", "x-(x)*", "(x)*zza.b", "\\E.*\\Q", "anything", "$1", "x-$1");
        for (final String template : templates) {
            final ClientIdPattern pattern = device(template);
            for (final Map<String, String> values : valueSets) {
                for (final String clientId : clientIds) {
                    assertEquals(reference(template, values, clientId), pattern.matches(clientId, values),
                            template + " " + values + " '" + clientId + "'");
                }
            }
        }
    }

    private static boolean reference(final String template, final Map<String, String> values, final String clientId) {
        final Matcher matcher = Pattern.compile("\\$\\{\\{([^}]*)}}").matcher(template);
        final StringBuilder regex = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(regex, Matcher.quoteReplacement(Pattern.quote(values.get(matcher.group(1)))));
        }
        matcher.appendTail(regex);
        return Pattern.compile(regex.toString()).matcher(clientId).matches();
    }
}
