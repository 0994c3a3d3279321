package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.hub.Subscriber;
import io.projectindex.hub.server.monitor.AnomalyDetector;
import io.projectindex.hub.server.monitor.HealthReport;
import io.projectindex.hub.server.monitor.HealthStatus;
import io.projectindex.hub.server.monitor.Monitor;
import io.projectindex.hub.server.monitor.MonitorQueryException;
import io.projectindex.hub.server.monitor.MonitoredMetric;
import io.projectindex.hub.server.monitor.PerformanceSummary;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The monitoring REST API under {@code /api/v1/project-index/websocket} (PROTOCOL §11): health,
 * metrics (JSON and Prometheus), performance, connections, event statistics, queue status,
 * anomalies, alerts and the debug view. Every route needs an admin principal, except
 * {@code GET …/health}, which tells anyone the overall status and admins the details. Answers on
 * the request's own event loop; JSON shapes are documented in docs/operations.md.
 */
final class MonitoringApi {
    static final String BASE = HttpApi.BASE + "/websocket";

    private final HubServices services;
    private final Context context;

    private MonitoringApi(HubServices services, Context context) {
        this.services = services;
        this.context = context;
    }

    static void mount(Router router, HubServices services, Context context) {
        MonitoringApi api = new MonitoringApi(services, context);
        router.get(BASE + "/health").handler(api::health);
        router.get(BASE + "/metrics").handler(ctx -> api.admin(ctx, api::metrics));
        router.get(BASE + "/metrics/prometheus").handler(ctx -> api.admin(ctx, api::prometheus));
        router.get(BASE + "/performance").handler(ctx -> api.admin(ctx, api::performance));
        router.get(BASE + "/connections").handler(ctx -> api.admin(ctx, api::connections));
        router.get(BASE + "/events/statistics").handler(ctx -> api.admin(ctx, api::eventStatistics));
        router.get(BASE + "/queue/status").handler(ctx -> api.admin(ctx, api::queueStatus));
        router.get(BASE + "/anomalies").handler(ctx -> api.admin(ctx, api::anomalies));
        router.get(BASE + "/alerts").handler(ctx -> api.admin(ctx, api::alerts));
        router.get(BASE + "/filters").handler(ctx -> api.admin(ctx, api::filters));
        router.get(BASE + "/debug/internal-state").handler(ctx -> api.admin(ctx, api::internalState));
    }

    private Principal principal(RoutingContext ctx) {
        return services.authenticator().authenticate(WebSocketEndpoint.bearer(ctx.request(), null));
    }

    /** Runs {@code handler} for admins; 401 without a valid token (audited as auth_failure), 403 without the admin scope (audited as admin, allowed false). */
    private void admin(RoutingContext ctx, java.util.function.Consumer<RoutingContext> handler) {
        Principal p;
        try {
            p = principal(ctx);
        } catch (AuthenticationException e) {
            services.metrics().error("unauthorized", "monitoring");
            services.audit().authFailure("http", WebSocketEndpoint.remoteIp(ctx.request()), e.getMessage());
            HttpErrors.send(ctx.response(), 401, ErrorCode.UNAUTHORIZED, "authentication required", Map.of());
            return;
        }
        String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        services.audit().admin(p.userId(), ctx.request().method().name(), ctx.request().path(), ip, p.isAdmin());
        if (!p.isAdmin()) {
            services.metrics().error("forbidden", "monitoring");
            HttpErrors.send(ctx.response(), 403, ErrorCode.FORBIDDEN, "the monitoring API needs the admin scope", Map.of());
            return;
        }
        try {
            handler.accept(ctx);
        } catch (MonitorQueryException e) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("field", e.parameter());
            if (!e.allowed().isEmpty()) {
                details.put("allowed", e.allowed());
            }
            HttpErrors.send(ctx.response(), 400, ErrorCode.INVALID_FIELD, e.getMessage(), details);
        }
    }

    private Monitor monitor() {
        return services.monitor();
    }

    private void health(RoutingContext ctx) {
        boolean admin;
        try {
            admin = principal(ctx).isAdmin();
        } catch (AuthenticationException e) {
            admin = false;
        }
        boolean details = admin;
        Loops.on(context, Future.fromCompletionStage(monitor().checkHealth())).onComplete(ar -> {
            if (ar.failed()) {
                HttpErrors.fail(ctx.response(), ar.cause());
                return;
            }
            HealthReport r = ar.result();
            int status = r.status() == HealthStatus.UNHEALTHY ? 503 : 200;
            Object body = details ? r.toJson()
                    : Map.of("status", r.status().wire(), "timestamp", Timestamps.format(r.timestamp()));
            json(ctx, status, body);
        });
    }

    private void metrics(RoutingContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("timestamp", now());
        body.put("node_id", services.nodeId());
        body.put("metrics", services.metrics().toJson());
        json(ctx, 200, body);
    }

    private void prometheus(RoutingContext ctx) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(services.metrics().scrape());
    }

    private void performance(RoutingContext ctx) {
        Duration window = Monitor.window(ctx.request().getParam("window_minutes"), Monitor.DEFAULT_PERFORMANCE_WINDOW);
        PerformanceSummary summary = monitor().performance(window);
        AnomalyDetector.Report anomalies = monitor().anomalies(window, Optional.empty());
        Map<String, Object> body = new LinkedHashMap<>(summary.toJson());
        Map<String, Object> scanned = new LinkedHashMap<>();
        for (MonitoredMetric m : List.of(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, MonitoredMetric.EVENTS_PER_SECOND,
                MonitoredMetric.ERROR_RATE)) {
            scanned.put(m.wire(), anomalies.anomalies().getOrDefault(m, List.of()).stream()
                    .map(io.projectindex.hub.server.monitor.Anomaly::toJson).toList());
        }
        Loops.on(context, Future.fromCompletionStage(monitor().checkHealth())).onComplete(ar -> {
            body.put("health", ar.succeeded() ? ar.result().status().wire() : "unknown");
            body.put("anomalies", scanned);
            body.put("active_alerts", monitor().alerts().active().size());
            json(ctx, 200, body);
        });
    }

    private void connections(RoutingContext ctx) {
        gather(list -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Subscriber s : list) {
                out.add(((LoopMember) s).describe());
            }
            return out;
        }).onComplete(ar -> {
            if (ar.failed()) {
                HttpErrors.fail(ctx.response(), ar.cause());
                return;
            }
            List<Map<String, Object>> all = ar.result();
            Map<String, Object> summary = new LinkedHashMap<>();
            long streams = all.stream().filter(c -> "sse".equals(c.get("transport"))).count();
            summary.put("active_connections", all.size() - streams);
            summary.put("sse_streams", streams);
            summary.put("connections_opened", services.metrics().snapshot().connectionsOpened());
            summary.put("max_connections", services.config().websocket().maxConnections());
            Map<String, Object> byHealth = new LinkedHashMap<>();
            byHealth.put("healthy", all.stream().filter(c -> (double) c.get("health_score") > 0.8).count());
            byHealth.put("degraded", all.stream().filter(c -> {
                double h = (double) c.get("health_score");
                return h > 0.5 && h <= 0.8;
            }).count());
            byHealth.put("poor", all.stream().filter(c -> (double) c.get("health_score") <= 0.5).count());
            summary.put("health", byHealth);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("timestamp", now());
            body.put("summary", summary);
            // Every node's connections (presence records in Redis in multi-node mode; this node otherwise).
            Loops.on(context, services.cluster().presence().count()).onComplete(count -> {
                Map<String, Object> cluster = new LinkedHashMap<>();
                if (count.succeeded()) {
                    cluster.put("active_connections", count.result().connections());
                    cluster.put("nodes", count.result().byNode().size());
                    cluster.put("by_node", count.result().byNode());
                } else {
                    cluster.put("error", String.valueOf(count.cause().getMessage()));
                }
                body.put("cluster", cluster);
                body.put("connections", all);
                json(ctx, 200, body);
            });
        });
    }

    private void eventStatistics(RoutingContext ctx) {
        Duration window = Monitor.window(ctx.request().getParam("window_minutes"), Monitor.DEFAULT_PERFORMANCE_WINDOW);
        Map<String, Object> metrics = services.metrics().toJson();
        @SuppressWarnings("unchecked")
        Map<String, Object> events = (Map<String, Object>) metrics.get("events");
        var snapshot = services.metrics().snapshot();
        Map<String, Object> publishing = new LinkedHashMap<>();
        publishing.put("total_published", snapshot.eventsPublished());
        publishing.put("total_delivered", snapshot.eventsDelivered());
        publishing.put("total_failed", snapshot.publishFailures());
        publishing.put("delivery_rate", snapshot.eventsPublished() == 0 ? null
                : (double) snapshot.eventsDelivered() / snapshot.eventsPublished());
        publishing.put("by_type", events);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("timestamp", now());
        body.put("window_minutes", window.toMinutes());
        body.put("event_publishing", publishing);
        body.put("event_filtering", Map.of("filtered", events.getOrDefault("filtered", Map.of())));
        body.put("performance_metrics", monitor().performance(window).metricsJson());
        json(ctx, 200, body);
    }

    private void queueStatus(RoutingContext ctx) {
        gather(list -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Subscriber s : list) {
                out.add(((LoopMember) s).queueStatus());
            }
            return out;
        }).onComplete(ar -> {
            if (ar.failed()) {
                HttpErrors.fail(ctx.response(), ar.cause());
                return;
            }
            List<Map<String, Object>> queues = new ArrayList<>(ar.result());
            queues.sort((a, b) -> Long.compare(((Number) b.get("queued_frames")).longValue(),
                    ((Number) a.get("queued_frames")).longValue()));
            long total = services.metrics().queueSize();
            int max = services.config().delivery().totalQueueEvents();
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("total_queued_events", total);
            status.put("max_queued_events", max);
            status.put("utilization", (double) total / max);
            status.put("per_connection_limit_events", services.config().delivery().connectionQueueEvents());
            status.put("per_connection_limit_bytes", services.config().delivery().connectionQueueBytes());
            status.put("busiest_connections", queues.subList(0, Math.min(10, queues.size())));
            @SuppressWarnings("unchecked")
            Map<String, Object> m = services.metrics().toJson();
            status.put("batch_size", m.get("batch_size"));
            status.put("compression_ratio", m.get("compression_ratio"));
            json(ctx, 200, Map.of("timestamp", now(), "queue_status", status));
        });
    }

    /** Global filter rules in force, distinct filters per shard, and filtered events by reason. */
    private void filters(RoutingContext ctx) {
        List<CompletableFuture<Map<String, Object>>> shards = new ArrayList<>();
        for (Shard s : services.hub().shards()) {
            shards.add(s.inspect(members -> Map.of("index", s.index(), "distinct_filters", s.distinctFilters())));
        }
        Loops.on(context, Future.fromCompletionStage(CompletableFuture.allOf(shards.toArray(new CompletableFuture[0]))))
                .onComplete(ar -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("timestamp", now());
                    body.put("global_rules", services.globalFilters().rules());
                    body.put("shards", shards.stream().map(f -> f.getNow(Map.of())).toList());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> events = (Map<String, Object>) services.metrics().toJson().get("events");
                    body.put("filtered_by_reason", events.getOrDefault("filtered", Map.of()));
                    json(ctx, 200, body);
                });
    }

    private void anomalies(RoutingContext ctx) {
        Duration window = Monitor.window(ctx.request().getParam("window_minutes"), monitor().anomalyWindow());
        Optional<String> metric = Optional.ofNullable(ctx.request().getParam("metric_name")).filter(s -> !s.isBlank());
        json(ctx, 200, monitor().anomalies(window, metric).toJson());
    }

    private void alerts(RoutingContext ctx) {
        json(ctx, 200, monitor().alerts().toJson(services.clock().now()));
    }

    private void internalState(RoutingContext ctx) {
        List<CompletableFuture<Map<String, Object>>> shards = new ArrayList<>();
        for (Shard s : services.hub().shards()) {
            shards.add(s.inspect(members -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", s.index());
                long streams = members.stream().filter(x -> ((LoopMember) x).isStream()).count();
                m.put("connections", members.size() - streams);
                m.put("sse_streams", streams);
                m.put("indexed_projects", s.indexedProjects());
                m.put("wildcard_listeners", s.wildcardListeners());
                return m;
            }));
        }
        Loops.on(context, Future.fromCompletionStage(CompletableFuture.allOf(shards.toArray(new CompletableFuture[0]))))
                .onComplete(ar -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("timestamp", now());
                    body.put("warning", "internal debug information; admin only");
                    body.put("node_id", services.nodeId());
                    body.put("version", services.version());
                    body.put("draining", services.lifecycle().draining());
                    body.put("shards", shards.stream().map(f -> f.getNow(Map.of())).toList());
                    body.put("connection_slots", services.connectionSlots().get());
                    Map<String, Object> history = new LinkedHashMap<>();
                    history.put("backend", services.history().backend());
                    history.put("last_cleanup", Map.of("memory_cleaned", services.lastCleanup().get().memoryCleaned(),
                            "database_cleaned", services.lastCleanup().get().databaseCleaned()));
                    history.put("cleaned_total", Map.of(
                            "memory_cleaned", (long) services.metrics().cleanedFromMemory().count(),
                            "database_cleaned", (long) services.metrics().cleanedFromDatabase().count()));
                    body.put("history", history);
                    body.put("broker", services.broker().name());
                    body.put("fan_out", services.broker().stats());
                    body.put("publisher", Map.of("in_flight", services.publisher().inFlight(),
                            "draining", services.publisher().draining()));
                    body.put("alerts", Map.of("active", monitor().alerts().active().size(),
                            "rules", monitor().alerts().rules().size()));
                    json(ctx, 200, body);
                });
    }

    /** Runs {@code view} on every shard's loop and concatenates the results, back on this loop. */
    private <T> Future<List<T>> gather(java.util.function.Function<List<Subscriber>, List<T>> view) {
        List<CompletableFuture<List<T>>> parts = new ArrayList<>();
        for (Shard s : services.hub().shards()) {
            parts.add(s.inspect(view));
        }
        CompletableFuture<List<T>> all = CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<T> out = new ArrayList<>();
            parts.forEach(p -> out.addAll(p.join()));
            return out;
        });
        return Loops.on(context, Future.fromCompletionStage(all));
    }

    private String now() {
        return Timestamps.format(services.clock().now());
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(Json.writeBytes(body)));
    }
}
