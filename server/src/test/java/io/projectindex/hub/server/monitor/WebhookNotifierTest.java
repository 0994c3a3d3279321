package io.projectindex.hub.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.projectindex.hub.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link WebhookNotifier} against a real HTTP server on a loopback port: the JSON it POSTs for a
 * fired and a resolved alert, and that a failing, unreachable or stuck webhook never throws or
 * blocks the caller and is counted in {@code errors{component="alerts"}}.
 */
class WebhookNotifierTest {
    private static final AlertRule HIGH_LATENCY = new AlertRule("high_delivery_latency",
            MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, AlertOperator.GT, 500, AlertSeverity.WARNING,
            "High event delivery latency detected", Duration.ofMinutes(5));
    private static final Instant FIRED_AT = Instant.parse("2025-01-15T12:00:00.000Z");
    private static final Instant RESOLVED_AT = Instant.parse("2025-01-15T12:03:30.000Z");

    /** One request the server received. */
    record Received(String method, String path, String contentType, JsonNode body) {
    }

    private final HubMetrics metrics = new HubMetrics(false);
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger status = new AtomicInteger(204);
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks/alerts", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stop() {
        hold.countDown();
        server.stop(0);
        handlers.shutdownNow();
        metrics.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), Json.readTree(new String(body, StandardCharsets.UTF_8))));
            hold.await(30, TimeUnit.SECONDS);
            exchange.sendResponseHeaders(status.get(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/alerts";
    }

    private double errors(String type) {
        return metrics.errors(type, "alerts").count();
    }

    private static Alert fired() {
        return new Alert("high_delivery_latency-1", HIGH_LATENCY, 700, FIRED_AT, Optional.of(650.0), Optional.empty());
    }

    private Received next() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("a webhook request within 10 s").isNotNull();
        return r;
    }

    @Test
    void postsTheFiredAndTheResolvedAlertAsJson() throws InterruptedException {
        WebhookNotifier notifier = new WebhookNotifier(url(), metrics);
        notifier.onFired(fired());
        Received r = next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hooks/alerts");
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body().path("event").asText()).isEqualTo("fired");
        JsonNode alert = r.body().path("alert");
        assertThat(alert.path("id").asText()).isEqualTo("high_delivery_latency-1");
        assertThat(alert.path("rule").asText()).isEqualTo("high_delivery_latency");
        assertThat(alert.path("metric").asText()).isEqualTo(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS.wire());
        assertThat(alert.path("severity").asText()).isEqualTo("warning");
        assertThat(alert.path("message").asText()).isEqualTo("High event delivery latency detected");
        assertThat(alert.path("operator").asText()).isEqualTo(AlertOperator.GT.wire());
        assertThat(alert.path("threshold").asDouble()).isEqualTo(500.0);
        assertThat(alert.path("value").asDouble()).isEqualTo(700.0);
        assertThat(alert.path("last_value").asDouble()).isEqualTo(650.0);
        assertThat(alert.path("status").asText()).isEqualTo("active");
        assertThat(alert.path("fired_at").asText()).isEqualTo("2025-01-15T12:00:00.000Z");
        assertThat(alert.has("resolved_at")).isTrue();
        assertThat(alert.path("resolved_at").isNull()).isTrue();

        notifier.onResolved(fired().resolved(RESOLVED_AT, Optional.of(120.0)));
        Received resolved = next();
        assertThat(resolved.method()).isEqualTo("POST");
        assertThat(resolved.body().path("event").asText()).isEqualTo("resolved");
        JsonNode after = resolved.body().path("alert");
        assertThat(after.path("id").asText()).isEqualTo("high_delivery_latency-1");
        assertThat(after.path("status").asText()).isEqualTo("resolved");
        assertThat(after.path("value").asDouble()).as("the value that fired it").isEqualTo(700.0);
        assertThat(after.path("last_value").asDouble()).as("the resolving value").isEqualTo(120.0);
        assertThat(after.path("fired_at").asText()).isEqualTo("2025-01-15T12:00:00.000Z");
        assertThat(after.path("resolved_at").asText()).isEqualTo("2025-01-15T12:03:30.000Z");

        // Both were answered 204: nothing is counted as failed.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(errors("webhook_failed")).isZero());
        assertThat(received).isEmpty();
    }

    @Test
    void aWebhookAnsweringWithAnErrorStatusIsCountedAsFailed() throws InterruptedException {
        status.set(500);
        WebhookNotifier notifier = new WebhookNotifier(url(), metrics);
        assertThatCode(() -> notifier.onFired(fired())).doesNotThrowAnyException();
        assertThat(next().body().path("event").asText()).isEqualTo("fired");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(errors("webhook_failed")).isEqualTo(1.0));
        status.set(302);
        notifier.onResolved(fired().resolved(RESOLVED_AT, Optional.empty()));
        assertThat(next().body().path("event").asText()).isEqualTo("resolved");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(errors("webhook_failed")).isEqualTo(2.0));
    }

    @Test
    void anUnreachableWebhookDoesNotThrowAndIsCountedAsFailed() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        WebhookNotifier notifier = new WebhookNotifier("http://127.0.0.1:" + closedPort + "/hooks/alerts", metrics);
        assertThatCode(() -> {
            notifier.onFired(fired());
            notifier.onResolved(fired().resolved(RESOLVED_AT, Optional.of(120.0)));
        }).doesNotThrowAnyException();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(errors("webhook_failed")).isEqualTo(2.0));
    }

    @Test
    void aStuckWebhookNeverBlocksTheCallerAndNotificationsOverTheInFlightCapAreDroppedAndCounted() {
        hold = new CountDownLatch(1);
        WebhookNotifier notifier = new WebhookNotifier(url(), metrics);
        int extra = 3;
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < WebhookNotifier.MAX_IN_FLIGHT + extra; i++) {
                notifier.onFired(fired());
            }
        }, "notifying must not wait for the webhook");
        assertThat(errors("webhook_backlog")).isEqualTo(extra);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).hasSize(WebhookNotifier.MAX_IN_FLIGHT));

        hold.countDown();
        // Once the stuck requests are answered, notifications go out again.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            received.clear();
            notifier.onResolved(fired().resolved(RESOLVED_AT, Optional.of(100.0)));
            Received r = received.poll(2, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(r.body().path("event").asText()).isEqualTo("resolved");
        });
        assertThat(errors("webhook_failed")).isZero();
    }
}
