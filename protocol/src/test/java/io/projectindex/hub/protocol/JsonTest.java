package io.projectindex.hub.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void hostileJsonIsRefusedWithInvalidMessage() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 5) + "]".repeat(Json.MAX_NESTING_DEPTH + 5);
        String hugeExponent = "{\"n\":1e" + "9".repeat(60) + "}";
        for (String bad : new String[] {deep, "{\"a\":1,\"a\":2}", "{} trailing", "", "{\"n\":1" + "0".repeat(500) + "}", "\u0000",
                hugeExponent}) {
            assertThatThrownBy(() -> Json.readTree(bad)).as(bad.length() > 40 ? bad.substring(0, 40) : bad)
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
        }
        assertThatThrownBy(() -> Json.readTree(hugeExponent.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
    }

    @Test
    void canonicalFormSortsKeysAtEveryLevel() {
        byte[] c = Json.canonical(Json.readTree("{\"b\":1,\"a\":{\"z\":true,\"y\":[3,{\"d\":1,\"c\":2}]}}"));
        assertThat(new String(c, StandardCharsets.UTF_8)).isEqualTo("{\"a\":{\"y\":[3,{\"c\":2,\"d\":1}],\"z\":true},\"b\":1}");
    }

    @Test
    void decimalsArePassedThroughExactly() {
        String text = "{\"x\":0.10,\"y\":1E+2,\"z\":123456789012345678901234567890}";
        assertThat(Json.write(Json.readTree(text))).isEqualTo("{\"x\":0.10,\"y\":1E+2,\"z\":123456789012345678901234567890}");
    }

    @Test
    void timestampsAreWrittenAsUtcMillisWithZAndReadWithOrWithoutOffset() {
        assertThat(Timestamps.format(Instant.parse("2025-01-15T12:00:00Z"))).isEqualTo("2025-01-15T12:00:00.000Z");
        assertThat(Timestamps.format(Instant.parse("2025-01-15T12:00:00.123456Z"))).isEqualTo("2025-01-15T12:00:00.123Z");
        assertThat(Timestamps.parse("2025-01-15T13:00:00+01:00")).contains(Instant.parse("2025-01-15T12:00:00Z"));
        assertThat(Timestamps.parse("2025-01-15T12:00:00.5")).contains(Instant.parse("2025-01-15T12:00:00.500Z"));
        assertThat(Timestamps.parse("2025-01-15")).isEmpty();
        assertThat(Timestamps.parse("yesterday")).isEmpty();
    }

    @Test
    void quotingEscapesWhatJsonNeeds() {
        assertThat(new String(Json.quote("a\"b\\c\n"), StandardCharsets.UTF_8)).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }
}
