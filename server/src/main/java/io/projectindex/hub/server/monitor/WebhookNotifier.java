package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POSTs {@code {"event":"fired"|"resolved","alert":{…}}} to a webhook URL when an alert fires or
 * resolves. Never blocks the caller: requests go out on the HTTP client's own threads, at most
 * {@value #MAX_IN_FLIGHT} at a time (further notifications are dropped and counted as errors).
 * Thread-safe.
 */
public final class WebhookNotifier implements AlertNotifier {
    static final int MAX_IN_FLIGHT = 16;
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private final URI url;
    private final HubMetrics metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger inFlight = new AtomicInteger();

    public WebhookNotifier(String url, HubMetrics metrics) {
        this.url = URI.create(url);
        this.metrics = metrics;
    }

    @Override
    public void onFired(Alert alert) {
        post("fired", alert);
    }

    @Override
    public void onResolved(Alert alert) {
        post("resolved", alert);
    }

    private void post(String event, Alert alert) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            metrics.error("webhook_backlog", "alerts");
            log.warn("alert webhook: {} notifications in flight, dropping {} of {}", MAX_IN_FLIGHT, event, alert.id());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("alert", alert.toJson());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
            inFlight.decrementAndGet();
            if (t != null || r.statusCode() >= 300) {
                metrics.error("webhook_failed", "alerts");
                log.warn("alert webhook {} for {} failed: {}", event, alert.id(), t != null ? t.toString() : "HTTP " + r.statusCode());
            }
        });
    }
}
