package io.projectindex.hub.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one JSON codec of the protocol: owns the configured {@link ObjectMapper} and turns parse
 * failures into {@link ProtocolException}s ({@code INVALID_MESSAGE}). Input limits guard the hub
 * against hostile frames: nesting depth {@value #MAX_NESTING_DEPTH}, number literals of at most
 * {@value #MAX_NUMBER_LENGTH} digits (and exponents a decimal can hold), strings of at most
 * {@value #MAX_STRING_LENGTH} characters, no duplicate keys, no trailing content. Property names are snake_case. Thread-safe.
 */
public final class Json {
    public static final int MAX_NESTING_DEPTH = 64;
    public static final int MAX_NUMBER_LENGTH = 100;
    public static final int MAX_STRING_LENGTH = 4 * 1024 * 1024;

    private static final ObjectMapper MAPPER = newMapper();
    private static final ObjectWriter CANONICAL = MAPPER.writer()
            .with(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {
    }

    private static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper m = new ObjectMapper(factory);
        m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        m.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        m.configure(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION, false);
        return m;
    }

    /** Parses one JSON value; anything else is {@code INVALID_MESSAGE} with a short reason. */
    public static JsonNode readTree(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "the message is empty; expected a JSON object");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "JSON too deeply nested or too large: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "not valid JSON: " + shortMessage(e));
        } catch (NumberFormatException e) {
            throw numberOutOfRange();
        }
    }

    public static JsonNode readTree(byte[] utf8) {
        try {
            JsonNode node = MAPPER.readTree(utf8);
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "the body is empty; expected JSON");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "JSON too deeply nested or too large: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "not valid JSON: " + shortMessage(e));
        } catch (NumberFormatException e) {
            throw numberOutOfRange();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson reports a number it cannot hold (e.g. {@code 1e} with a 60-digit exponent) as a bare NumberFormatException. */
    private static ProtocolException numberOutOfRange() {
        return new ProtocolException(ErrorCode.INVALID_MESSAGE, "not valid JSON: a number is out of range");
    }

    private static String shortMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        m = m.replace('\n', ' ');
        if (e.getLocation() != null) {
            m += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return m.length() > 200 ? m.substring(0, 197) + "..." : m;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Canonical form: object keys sorted, no whitespace (used for checksums and idempotency). */
    public static byte[] canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode JSON tree", e);
        }
    }

    /** A value converted to a JSON tree (records become snake_case objects). */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** A JSON tree bound to {@code type} (snake_case properties, unknown ones ignored). */
    public static <T> T fromTree(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "cannot read " + type.getSimpleName() + ": " + shortMessage(e));
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, Map.class);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The JSON string literal for {@code s}, quotes included, as UTF-8 bytes. */
    public static byte[] quote(String s) {
        byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] out = new byte[inner.length + 2];
        out[0] = '"';
        System.arraycopy(inner, 0, out, 1, inner.length);
        out[out.length - 1] = '"';
        return out;
    }

    public static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
