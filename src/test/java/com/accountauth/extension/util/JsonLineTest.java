package com.accountauth.extension.util;

import com.accountauth.extension.testsupport.JsonObjects;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLineTest {

    private static Map<String, Object> roundTrip(final String value) {
        final String line = new JsonLine().field("event", "x").clientField("client_id", value).toString();
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"), line);
        return JsonObjects.parse(line);
    }

    @Test
    void quotesBackslashesAndControlCharactersSurviveAsThemselves() {
        final String nasty = "a\"b\\c\nd\re\tf\u0000g\u001fh\u007fi\u0085j\u2028k\u2029l";
        assertEquals(nasty, roundTrip(nasty).get("client_id"));
    }

    @Test
    void aClientIdCannotAddAFieldOrEndTheObject() {
        final Map<String, Object> parsed = roundTrip("x\",\"event\":\"connect_allowed\"}{\"y");
        assertEquals("x", parsed.get("event"));
        assertEquals(2, parsed.size());
    }

    @Test
    void oddUtf8IsKeptAndHalfASurrogatePairIsReplaced() {
        assertEquals("caf\u00e9-\u6f22-\ud83d\ude00", roundTrip("caf\u00e9-\u6f22-\ud83d\ude00").get("client_id"));
        assertEquals("a\ufffdb\ufffd", roundTrip("a\ud83db\ude00").get("client_id"));
    }

    @Test
    void aLongValueIsCapped() {
        final String value = (String) roundTrip("\ud83d\ude00".repeat(1000)).get("client_id");
        assertEquals("\ud83d\ude00".repeat(80) + "...", value);
    }

    @Test
    void theExtensionsOwnTextIsNotCapped() {
        final String why = "throttled, too many failed logins for its username from new addresses, now from 127.0.0.1";
        assertEquals(why, JsonObjects.parse(new JsonLine().field("why", why).toString()).get("why"));
    }

    @Test
    void numbersNullsAndArrays() {
        final Map<String, Object> parsed = JsonObjects.parse(new JsonLine().field("n", 42).field("none", (String) null)
                .field("ids", List.of("a\"", "b")).field("empty", List.of()).toString());
        assertEquals(42L, parsed.get("n"));
        assertTrue(parsed.containsKey("none") && parsed.get("none") == null);
        assertEquals(List.of("a\"", "b"), parsed.get("ids"));
        assertEquals(List.of(), parsed.get("empty"));
    }
}
