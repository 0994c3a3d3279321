package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Publishes over HTTP ({@code POST /api/v1/project-index/events}, PROTOCOL §11) and maps the
 * answer: 202 to the accepted positions in request order; 400, 409, 413, 429 and 503 to their
 * typed exceptions; any other status to {@link HubErrorException}. Futures complete on the HTTP
 * client's threads. Thread-safe.
 */
final class HttpPublisher {
    private final HttpClient http;
    private final ClientOptions options;

    HttpPublisher(HttpClient http, ClientOptions options) {
        this.http = http;
        this.options = options;
    }

    CompletableFuture<List<Accepted>> publish(String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(options.eventsUri())
                .timeout(options.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        CompletableFuture<List<Accepted>> result = new CompletableFuture<>();
        String token;
        try {
            token = options.currentToken();
        } catch (RuntimeException e) {
            result.completeExceptionally(new HubConnectionException("the token supplier failed: " + e, 0, e));
            return result;
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, t) -> {
            if (t != null) {
                Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                result.completeExceptionally(cause instanceof HttpTimeoutException
                        ? new HubTimeoutException("publish got no answer within " + options.requestTimeout().toMillis() + " ms")
                        : new HubConnectionException("publish to " + options.eventsUri() + " failed: " + cause, 0, cause));
                return;
            }
            try {
                result.complete(read(response));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    static List<Accepted> read(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body(), status);
        if (status == 202 || status == 200) {
            JsonNode accepted = body.path("accepted");
            if (!accepted.isArray()) {
                throw new HubException("publish answered " + status + " without an accepted list: " + abbreviate(response.body()));
            }
            List<Accepted> out = new ArrayList<>(accepted.size());
            for (JsonNode a : accepted) {
                out.add(new Accepted(UUID.fromString(a.path("id").asText()), UUID.fromString(a.path("project_id").asText()),
                        a.path("offset").asLong(), a.path("epoch").asText(), a.path("timestamp").asText(null),
                        a.path("duplicate").asBoolean(false)));
            }
            return out;
        }
        throw error(status, body, response.headers().firstValue("Retry-After").orElse(null));
    }

    /** The typed exception for an error answer {@code {error, message, details?}}. */
    static HubErrorException error(int status, JsonNode body, String retryAfterHeader) {
        String error = body.path("error").asText("HTTP_" + status);
        String message = body.path("message").asText("publish failed with HTTP " + status);
        Map<String, Object> details = body.path("details").isObject() ? Json.toMap(body.get("details")) : Map.of();
        switch (status) {
            case 400:
                return new InvalidEventException(error, message, details);
            case 409:
                return new ConflictException(error, message, details);
            case 413:
                return new PayloadTooLargeException(error, message, details);
            case 429:
                return new RateLimitedException(error, message, details, retryAfter(retryAfterHeader, details));
            case 503:
                return new HubUnavailableException(error, message, details, retryAfter(retryAfterHeader, details));
            default:
                return new HubErrorException(error, message, details, status, null);
        }
    }

    private static Duration retryAfter(String header, Map<String, Object> details) {
        Object ms = details.get("retry_after_ms");
        if (ms instanceof Number n) {
            return Duration.ofMillis(n.longValue());
        }
        if (header != null) {
            try {
                return Duration.ofSeconds(Long.parseLong(header.trim()));
            } catch (NumberFormatException ignored) {
                // an HTTP date: not worth parsing for a hint
            }
        }
        return Duration.ZERO;
    }

    private static JsonNode parse(String body, int status) {
        if (body == null || body.isBlank()) {
            return Json.object();
        }
        try {
            return Json.readTree(body);
        } catch (ProtocolException e) {
            if (status == 202 || status == 200) {
                throw new HubException("publish answered " + status + " with a body that is not JSON: " + abbreviate(body));
            }
            return Json.object().put("message", abbreviate(body));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
