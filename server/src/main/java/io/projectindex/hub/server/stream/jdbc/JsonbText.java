package io.projectindex.hub.server.stream.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.projectindex.hub.protocol.Json;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * What PostgreSQL's JSONB cannot keep verbatim: a number written with a positive exponent
 * ({@code 1e3} comes back as {@code 1000}, which would no longer match its checksum) and the
 * character U+0000 (refused). Such data is stored twice: a JSONB approximation for queries, and the
 * original text in {@code event_data_raw}, which reads prefer. Thread-safe.
 */
final class JsonbText {
    private JsonbText() {
    }

    /** True when JSONB gives this data back with the same canonical form. */
    static boolean keepsVerbatim(JsonNode node) {
        if (node.isBigDecimal() || node.isFloatingPointNumber()) {
            BigDecimal d = node.decimalValue();
            return d.scale() >= 0;
        }
        if (node.isTextual()) {
            return node.textValue().indexOf('\u0000') < 0;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().indexOf('\u0000') >= 0 || !keepsVerbatim(f.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (node.isArray()) {
            for (JsonNode n : node) {
                if (!keepsVerbatim(n)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** JSON text JSONB accepts, as close to {@code node} as it can be. */
    static String storable(JsonNode node) {
        return Json.write(approximate(node));
    }

    private static JsonNode approximate(JsonNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node.isBigDecimal() || node.isFloatingPointNumber()) {
            BigDecimal d = node.decimalValue();
            return DecimalNode.valueOf(d.scale() < 0 ? d.setScale(0) : d);
        }
        if (node.isTextual()) {
            return TextNode.valueOf(node.textValue().replace('\u0000', '\uFFFD'));
        }
        if (node.isObject()) {
            ObjectNode o = f.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(e.getKey().replace('\u0000', '\uFFFD'), approximate(e.getValue()));
            }
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = f.arrayNode();
            for (JsonNode n : node) {
                a.add(approximate(n));
            }
            return a;
        }
        return node;
    }
}
