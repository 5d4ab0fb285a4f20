package com.accountauth.extension.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicTemplateTest {

    private static TopicTemplate template(final String text) {
        final TopicTemplate.Result result = TopicTemplate.parse(text, TopicTemplate.PLACEHOLDERS);
        assertTrue(result.ok(), () -> result.error());
        return result.template();
    }

    private static Map<String, String> device(final String uid) {
        final Map<String, String> values = new HashMap<>();
        values.put("vendor", "orbweb");
        values.put("model", "ipcam");
        values.put("uid", uid);
        values.put("mac", "00:1B:FE:0D:44:21");
        return values;
    }

    @Test
    void fillsEveryPlaceholder() {
        assertEquals("/orbweb/ipcam/+/XRHIU1Z76KFMWXPDWQFM/#",
                template("/${{vendor}}/${{model}}/+/${{uid}}/#").fill(device("XRHIU1Z76KFMWXPDWQFM"))
                        .orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "#", "a/b", "x+", "#y", "a\u0000", "tab\tuid", "line\nfeed", "\u0085", "",
            "bad\ud800", "\udc00bad"})
    void unsafeValuesNeverBecomePartOfAPermission(final String uid) {
        assertTrue(template("/${{vendor}}/${{model}}/+/${{uid}}").fill(device(uid)).isEmpty(), uid);
    }

    @Test
    void missingValueDropsThePermission() {
        final Map<String, String> values = device("U1");
        values.remove("uid");
        assertTrue(template("/${{vendor}}/${{uid}}").fill(values).isEmpty());
    }

    @Test
    void nonAsciiValuesAreFine() {
        assertEquals("/vendör/m/😀", template("/${{vendor}}/m/${{uid}}").fill(
                Map.of("vendor", "vendör", "uid", "😀")).orElseThrow().toString());
    }

    @Test
    void unknownPlaceholderIsAnError() {
        final TopicTemplate.Result result = TopicTemplate.parse("/${{clientid}}/#", TopicTemplate.PLACEHOLDERS);
        assertFalse(result.ok());
        assertTrue(result.error().contains("clientid"), result.error());
    }

    @Test
    void placeholdersAreAnErrorWhereNoneAreAllowed() {
        assertFalse(TopicTemplate.parse("/${{uid}}/#", Set.of()).ok());
    }

    @Test
    void invalidFilterIsAnError() {
        assertFalse(TopicTemplate.parse("/a/#/b", TopicTemplate.PLACEHOLDERS).ok());
        assertFalse(TopicTemplate.parse("/a/${{uid}}#", TopicTemplate.PLACEHOLDERS).ok());
    }
}
