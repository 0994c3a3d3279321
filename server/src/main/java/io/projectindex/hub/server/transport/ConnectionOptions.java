package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.ProtocolException;
import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Options a client chooses in the WebSocket URL's query string (PROTOCOL §1): {@code batch},
 * {@code compression}, {@code client_id} (a stable id for delivery tracking across reconnects)
 * and {@code token}. An invalid value fails the handshake with 400.
 */
public record ConnectionOptions(boolean batch, boolean gzip, String clientId, String token) {
    private static final Pattern CLIENT_ID = Pattern.compile("^[\\x21-\\x7E]{1,64}$");

    public static ConnectionOptions parse(MultiMap query) {
        boolean batch = bool(query.get("batch"), "batch");
        String compression = query.get("compression");
        boolean gzip;
        if (compression == null || compression.isEmpty() || compression.equalsIgnoreCase("none")) {
            gzip = false;
        } else if (compression.equalsIgnoreCase("gzip")) {
            gzip = true;
        } else {
            throw invalid("compression", "must be none or gzip");
        }
        String clientId = query.get("client_id");
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw invalid("client_id", "must be 1-64 printable ASCII characters without spaces");
        }
        return new ConnectionOptions(batch, gzip, clientId, query.get("token"));
    }

    private static boolean bool(String value, String name) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw invalid(name, "must be true or false");
        };
    }

    private static ProtocolException invalid(String field, String message) {
        return new ProtocolException(ErrorCode.INVALID_FIELD, field + " " + message, Map.of("field", field));
    }

    public String compressionName() {
        return gzip ? "gzip" : "none";
    }
}
