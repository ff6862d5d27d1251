package io.quantlane.nn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small JSON reader behind safetensors headers. */
class JsonTest {

    @Test
    void readsWhatSafetensorsHeadersHold() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5e2, true, false, null], \"s\": \"x\\\"\\\\\\/\\n\\u00e9\\t\","
                + " \"o\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(java.util.Arrays.asList(1L, -2L, 350.0, true, false, null), m.get("a"));
        assertEquals("x\"\\/\n\u00e9\t", m.get("s"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(List.of("a", "s", "o"), List.copyOf(m.keySet()), "insertion order kept");
    }

    @Test
    void quoteRoundTrips() {
        String nasty = "tab\there \"quoted\" back\\slash\nnew line \u0001 ünï";
        assertEquals(nasty, Json.parse(Json.quote(nasty)));
    }

    @Test
    void malformedInputIsRejectedWithThePosition() {
        String[] bad = {"", "{", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "\"open", "{\"a\":1}x", "01x", "-", "\"\\q\"",
                "tru", "{\"k\":1,\"k\":2}", "\"a\u0001\"", "99999999999999999999"};
        for (String s : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(s), s);
            assertTrue(e.getMessage().startsWith("JSON header, character "), e.getMessage());
        }
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            deep.append('[');
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse(deep.toString())).getMessage()
                .contains("nested more than 64 levels"));
    }
}
