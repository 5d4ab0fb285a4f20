package com.accountauth.extension.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicFilterTest {

    private static TopicFilter f(final String text) {
        return TopicFilter.parse(text).orElseThrow(() -> new AssertionError("not a filter: " + text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a/b#", "a/+b", "#/a", "a\u0000b", "++", "a/##"})
    void malformedFiltersAreRejected(final String text) {
        assertTrue(TopicFilter.parse(text).isEmpty(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "/", "a/+/b", "/a/b/#", "+/+", "$SYS/#", "//"})
    void validFiltersParse(final String text) {
        assertEquals(text, f(text).toString());
    }

    @ParameterizedTest
    @CsvSource({
            "/orbweb/ipcam/+/UID1, /orbweb/ipcam/motiondetector/UID1, true",
            "/orbweb/ipcam/+/UID1, /orbweb/ipcam/motiondetector/UID2, false",
            "/orbweb/ipcam/+/UID1, /orbweb/ipcam/motiondetector/UID1/location, false",
            "/orbweb/ipcam/+/UID1/#, /orbweb/ipcam/motiondetector/UID1/location, true",
            "/orbweb/ipcam/+/UID1/#, /orbweb/ipcam/motiondetector/UID1, true",
            "/#, /anything/below, true",
            "/#, not/under/slash, false",
            "#, $SYS/broker, false",
            "+/broker, $SYS/broker, false",
            "$SYS/#, $SYS/broker, true",
            "a/b, a/b/, false",
            "a/b/, a/b, false",
            "a/b/c, a/b, false",
            "+/+, /, true",
            "/+, /, true",
            "a/+, a/, true",
            "a/+, a, false",
            "a/#, a/b/c, true",
            "#, /, true",
            "a//b, a//b, true",
            "a/+/b, a//b, true",
    })
    void topicNamesMatchAsMqttSays(final String filter, final String topic, final boolean expected) {
        assertEquals(expected, f(filter).matches(f(topic)));
    }

    @Test
    void aFilterIsNotATopicName() {
        assertFalse(f("#").matches(f("a/+")));
    }

    @ParameterizedTest
    @CsvSource({
            // permission, requested subscription, covered
            "/v/m/+/U, /v/m/+/U, true",
            "/v/m/+/U, /v/m/motion/U, true",
            "/v/m/+/U, /v/m/#, false",
            "/v/m/+/U, /v/m/+/#, false",
            "/v/m/+/U, /v/m/+/+, false",
            "/v/m/+/U/#, /v/m/+/U/#, true",
            "/v/m/+/U/#, /v/m/motion/U/+, true",
            "/v/m/+/U/#, /v/m/+/U, true",
            "/v/m/+/U/#, /v/m/+/+/#, false",
            "/v/m/+/U, #, false",
            "/v/m/+/U, /+/+/+/+, false",
            "/v/m/+/U, /v/#, false",
            "/#, /v/m/+/U, true",
            "/#, #, false",
            "/#, +/#, false",
            "#, $SYS/#, false",
            "+/#, $share/g/a, false",
            "a/+, a/#, false",
    })
    void coversOnlyWhatEveryMatchedTopicAllows(final String permission, final String requested,
                                                final boolean expected) {
        assertEquals(expected, f(permission).covers(f(requested)));
    }
}
