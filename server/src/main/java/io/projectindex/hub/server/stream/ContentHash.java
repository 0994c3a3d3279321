package io.projectindex.hub.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests: {@link #ofData} is the checksum of an event's {@code data} (canonical JSON,
 * keys sorted); {@link #ofContent} identifies everything a publisher chose about an event, so a
 * republish with the same id can be told apart from a conflicting one. Thread-safe.
 */
public final class ContentHash {
    private ContentHash() {
    }

    public static String ofData(JsonNode data) {
        return hex(sha256(Json.canonical(data)));
    }

    public static String ofContent(EventType type, JsonNode data, String correlationId, PersistenceLevel persistence) {
        MessageDigest d = digest();
        d.update(type.wire().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(String.valueOf(correlationId).getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(persistence.wire().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(Json.canonical(data));
        return hex(d.digest());
    }

    private static byte[] sha256(byte[] bytes) {
        return digest().digest(bytes);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
