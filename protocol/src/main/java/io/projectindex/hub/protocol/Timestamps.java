package io.projectindex.hub.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Timestamps on the wire: ISO-8601 UTC with millisecond precision and a {@code Z}
 * ({@code 2025-01-15T12:00:00.123Z}). Inputs accept any ISO-8601 instant with an offset; a naive
 * timestamp is read as UTC.
 */
public final class Timestamps {
    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** The last instant formatted, per millisecond: frames built in the same millisecond share it. */
    private static volatile Formatted last = new Formatted(0, WIRE.format(Instant.EPOCH),
            WIRE.format(Instant.EPOCH).getBytes(StandardCharsets.US_ASCII));

    private record Formatted(long epochMilli, String text, byte[] ascii) {
    }

    public static String format(Instant instant) {
        return formatted(instant).text();
    }

    /** {@link #format} as US-ASCII bytes; the array is shared, so callers must not modify it. */
    public static byte[] formatAscii(Instant instant) {
        return formatted(instant).ascii();
    }

    private static Formatted formatted(Instant instant) {
        long ms;
        try {
            ms = instant.toEpochMilli();
        } catch (ArithmeticException farOff) {
            String text = WIRE.format(instant);
            return new Formatted(0, text, text.getBytes(StandardCharsets.US_ASCII));
        }
        Formatted f = last;
        if (f.epochMilli() != ms) {
            String text = WIRE.format(instant);
            f = new Formatted(ms, text, text.getBytes(StandardCharsets.US_ASCII));
            last = f;
        }
        return f;
    }

    /** Truncates to the millisecond precision the wire carries. */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        String t = text.trim();
        try {
            return Optional.of(OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException ignored) {
            // fall through: maybe naive
        }
        try {
            return Optional.of(LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            return Optional.empty();
        }
    }
}
