package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.auth.TokenMinter;
import io.projectindex.hub.server.testing.TestHub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Shared by the authentication ITs: the hub's test secret, token minting, a raw handshake, audit-file reading. */
final class AuthFixtures {
    static final String SECRET = "integration-test-secret-of-at-least-32-bytes";

    private AuthFixtures() {
    }

    /** A token signed with {@link #SECRET}, valid from now for {@code ttl} (negative: already expired). */
    static String token(String sub, List<String> projects, String scope, Duration ttl) {
        Instant now = Instant.now();
        return TokenMinter.hs256(SECRET.getBytes(StandardCharsets.UTF_8),
                TokenMinter.Spec.of(sub, projects, scope, now, now.plus(ttl)));
    }

    /** A POST with the token as {@code Authorization: Bearer} (none when null). */
    static TestHub.Response post(TestHub hub, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return TestHub.send(b.build());
    }

    /** A GET with the token as {@code Authorization: Bearer} (none when null). */
    static TestHub.Response get(TestHub hub, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return TestHub.send(b.build());
    }

    /** A WebSocket handshake written by hand, so the test sees the exact status line and body. */
    record Handshake(String statusLine, String headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    static Handshake handshake(int port, String query) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String request = "GET " + WebSocketEndpoint.PATH + (query.isEmpty() ? "" : "?" + query) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            int eol = head.indexOf("\r\n");
            return new Handshake(head.substring(0, eol), head.substring(eol + 2), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The lines of the audit file so far that satisfy {@code match} (none before the file exists). */
    static List<JsonNode> auditLines(Path auditFile, Predicate<JsonNode> match) {
        if (!Files.exists(auditFile)) {
            return List.of();
        }
        try {
            return Files.readAllLines(auditFile).stream().map(Json::readTree).filter(match).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a line of the audit file that satisfies {@code match}. */
    static JsonNode awaitAudit(Path auditFile, Predicate<JsonNode> match) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!Files.exists(auditFile)) {
                return false;
            }
            for (String line : Files.readAllLines(auditFile)) {
                JsonNode n = Json.readTree(line);
                if (match.test(n)) {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
