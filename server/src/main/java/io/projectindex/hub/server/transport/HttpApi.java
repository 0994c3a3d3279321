package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.EventDraft;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.JsonFields;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.PublishRequest;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.delivery.EventView;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP routes of one event loop: the WebSocket endpoint, the publish API
 * ({@code POST /api/v1/project-index/events}), the history query ({@code GET …/events}), the
 * Server-Sent Events stream ({@code GET …/events/stream}) and the liveness/readiness probes.
 * Answers on the request's own loop.
 */
public final class HttpApi {
    public static final String BASE = "/api/v1/project-index";
    public static final String EVENTS = BASE + "/events";

    private final HubServices services;
    private static final String RECEIVED = "hub.received_nanos";
    private final Context context;

    private HttpApi(HubServices services, Context context) {
        this.services = services;
        this.context = context;
    }

    public static Router router(Vertx vertx, HubServices services, Context context, WebSocketEndpoint websocket,
                                SseEndpoint sse) {
        HttpApi api = new HttpApi(services, context);
        Router router = Router.router(vertx);
        router.get(WebSocketEndpoint.PATH).handler(ctx -> websocket.handle(ctx.request()));
        router.post(EVENTS).handler(new io.vertx.ext.web.handler.PlatformHandler() {
                    @Override
                    public void handle(RoutingContext ctx) {
                        ctx.put(RECEIVED, services.clock().nanoTime()); // stamped before the body is read
                        ctx.next();
                    }
                })
                .handler(BodyHandler.create(false).setBodyLimit(services.config().publish().maxBodyBytes()))
                .handler(api::publish);
        router.get(EVENTS).handler(api::history);
        router.get(SseEndpoint.PATH).handler(sse::handle);
        router.get("/healthz").handler(ctx -> json(ctx, 200, Map.of("status", "ok")));
        router.get("/readyz").handler(api::ready);
        MonitoringApi.mount(router, services, context);
        // The live dashboard (static page talking to the WebSocket and the probes).
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
        router.errorHandler(404, ctx -> HttpErrors.send(ctx.response(), 404, ErrorCode.NOT_FOUND,
                "no route for " + ctx.request().method() + " " + ctx.request().path(), null));
        router.errorHandler(405, ctx -> HttpErrors.send(ctx.response(), 405, ErrorCode.NOT_FOUND,
                "method " + ctx.request().method() + " not allowed on " + ctx.request().path(), null));
        router.errorHandler(413, ctx -> {
            services.metrics().error(ErrorCode.MESSAGE_TOO_LARGE.wire(), "publish");
            HttpErrors.send(ctx.response(), 413, ErrorCode.MESSAGE_TOO_LARGE,
                    "request body larger than " + services.config().publish().maxBodyBytes() + " bytes",
                    Map.of("max_body_bytes", services.config().publish().maxBodyBytes()));
        });
        router.errorHandler(400, ctx -> HttpErrors.send(ctx.response(), 400, ErrorCode.INVALID_MESSAGE,
                "bad request", null));
        router.errorHandler(500, ctx -> HttpErrors.fail(ctx.response(),
                ctx.failure() == null ? new IllegalStateException("unknown failure") : ctx.failure()));
        return router;
    }

    /** The caller's principal, or null after answering 401. */
    private Principal principal(RoutingContext ctx) {
        try {
            return services.authenticator().authenticate(WebSocketEndpoint.bearer(ctx.request(), null));
        } catch (AuthenticationException e) {
            services.metrics().error("unauthorized", "http");
            services.audit().authFailure("http", WebSocketEndpoint.remoteIp(ctx.request()), e.getMessage());
            HttpErrors.send(ctx.response(), 401, ErrorCode.UNAUTHORIZED, "authentication required", Map.of());
            return null;
        }
    }

    private void publish(RoutingContext ctx) {
        Long stamped = ctx.get(RECEIVED);
        long received = stamped != null ? stamped : services.clock().nanoTime();
        if (services.lifecycle().draining()) {
            HttpErrors.unavailable(ctx.response(), "the hub is shutting down; publish to another node", 1);
            return;
        }
        Principal principal = principal(ctx);
        if (principal == null) {
            return;
        }
        List<EventDraft> drafts;
        try {
            Buffer body = ctx.body().buffer();
            JsonNode json = Json.readTree(body == null ? new byte[0] : body.getBytes());
            drafts = PublishRequest.parse(json, services.config().publish().maxEvents());
        } catch (ProtocolException e) {
            services.metrics().error(e.code().wire(), "publish");
            HttpErrors.fail(ctx.response(), e);
            return;
        }
        for (EventDraft d : drafts) {
            if (!principal.canPublish(d.projectId())) {
                services.audit().forbidden(principal.userId(), "publish", d.projectId(), WebSocketEndpoint.remoteIp(ctx.request()));
                HttpErrors.send(ctx.response(), 403, ErrorCode.FORBIDDEN,
                        "not allowed to publish to project " + d.projectId(), Map.of("project_id", d.projectId().toString()));
                return;
            }
        }
        if (!services.config().publish().rateLimited()) {
            publishAdmitted(ctx, principal, drafts, received);
            return;
        }
        // PUBLISH_RATE_LIMIT per publisher, shared by every node through Redis in multi-node mode.
        Loops.on(context, services.cluster().publishLimiter().acquire(principal.userId(), drafts.size())).onComplete(lim -> {
            long waitMillis = lim.succeeded() ? lim.result() : 0;
            if (waitMillis > 0) {
                services.metrics().rateLimitViolations("publish").increment();
                services.metrics().error("RATE_LIMITED", "publish");
                HttpErrors.rateLimited(ctx.response(), "publish rate limit: at most "
                        + services.config().publish().rateLimitPerSecond() + " events per second per publisher (burst "
                        + services.config().publish().rateBurst() + "); nothing of this request was published", waitMillis);
                return;
            }
            publishAdmitted(ctx, principal, drafts, received);
        });
    }

    private void publishAdmitted(RoutingContext ctx, Principal principal, List<EventDraft> drafts, long received) {
        Future<List<AppendResult>> published = services.publisher().publish(drafts);
        Loops.on(context, published).onComplete(ar -> {
            if (ar.failed()) {
                HttpErrors.fail(ctx.response(), ar.cause());
                return;
            }
            List<Map<String, Object>> accepted = new ArrayList<>(ar.result().size());
            for (AppendResult r : ar.result()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("id", r.event().id().toString());
                a.put("project_id", r.event().projectId().toString());
                a.put("offset", r.event().offset());
                a.put("epoch", r.event().epoch());
                a.put("timestamp", Timestamps.format(r.event().timestamp()));
                if (r.duplicate()) {
                    a.put("duplicate", true);
                }
                accepted.add(a);
            }
            if (services.audit().enabled()) {
                Map<UUID, Integer> counts = new LinkedHashMap<>();
                ar.result().forEach(r -> counts.merge(r.event().projectId(), 1, Integer::sum));
                services.audit().published(principal.userId(), WebSocketEndpoint.remoteIp(ctx.request()), counts);
            }
            json(ctx, 202, Map.of("accepted", accepted)).onSuccess(v -> services.metrics().publishRequestDuration()
                    .record(services.clock().nanoTime() - received, TimeUnit.NANOSECONDS));
        });
    }

    private void history(RoutingContext ctx) {
        Principal principal = principal(ctx);
        if (principal == null) {
            return;
        }
        HttpServerRequest req = ctx.request();
        ReadRequest request;
        String epoch;
        try {
            UUID projectId = uuidParam(req, "project_id");
            if (!principal.canRead(projectId)) {
                services.audit().forbidden(principal.userId(), "history", projectId, WebSocketEndpoint.remoteIp(ctx.request()));
                HttpErrors.send(ctx.response(), 403, ErrorCode.FORBIDDEN, "not allowed to read project " + projectId,
                        Map.of("project_id", projectId.toString()));
                return;
            }
            String since = req.getParam("since");
            String sinceOffset = req.getParam("since_offset");
            epoch = req.getParam("epoch");
            if (since != null && sinceOffset != null) {
                throw ProtocolException.invalidField("since", "cannot be combined with since_offset");
            }
            if (epoch != null && sinceOffset == null) {
                throw ProtocolException.invalidField("epoch", "is only meaningful together with since_offset");
            }
            Set<EventType> types = eventTypes(req.getParam("event_types"));
            int limit = (int) longParam(req, "limit", 1, 1000, 100);
            if (sinceOffset != null) {
                request = ReadRequest.afterOffset(projectId, longParam(req, "since_offset", 0, Long.MAX_VALUE, 0), types, limit);
            } else if (since != null) {
                Instant t = Timestamps.parse(since).orElseThrow(() -> ProtocolException.invalidField("since",
                        "must be an ISO-8601 timestamp like 2025-01-15T12:00:00Z"));
                request = ReadRequest.afterTime(projectId, t, types, limit);
            } else {
                request = ReadRequest.fromStart(projectId, types, limit);
            }
        } catch (ProtocolException e) {
            HttpErrors.fail(ctx.response(), e);
            return;
        }
        ReadRequest read = request;
        EventView view = services.redaction().view(principal);
        Loops.on(context, services.history().read(read)).onComplete(ar -> {
            if (ar.failed()) {
                HttpErrors.fail(ctx.response(), ar.cause());
                return;
            }
            ReadResult r = ar.result();
            boolean epochChanged = epoch != null && !epoch.equals(r.head().epoch());
            List<StoredEvent> events = epochChanged ? List.of() : r.events();
            boolean recovered = !epochChanged && (read.afterOffset() != null ? r.completeAfter(read.afterOffset())
                    : read.afterTime() != null ? r.completeAfter(read.afterTime()) : r.removedThrough() == 0);
            Buffer out = Buffer.buffer(256 + events.size() * 512);
            out.appendString("{\"events\":[");
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    out.appendByte((byte) ',');
                }
                out.appendBytes(view.of(events.get(i)).frame(false));
            }
            out.appendString("],\"epoch\":").appendBytes(Json.quote(r.head().epoch()))
                    .appendString(",\"head_offset\":" + r.head().offset())
                    .appendString(",\"has_more\":" + (!epochChanged && r.hasMore()))
                    .appendString(",\"recovered\":" + recovered);
            if (!recovered) {
                out.appendString(",\"reason\":\"" + (epochChanged ? "epoch_changed" : "history_expired") + "\"");
            }
            out.appendString("}");
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(out);
        });
    }

    /** Readiness: not draining and every required health check (history store, Redis) passes. */
    private void ready(RoutingContext ctx) {
        if (services.lifecycle().draining()) {
            json(ctx, 503, Map.of("status", "draining"));
            return;
        }
        Loops.on(context, Future.fromCompletionStage(services.monitor().checkHealth())).onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 503, Map.of("status", "not_ready", "error", String.valueOf(ar.cause().getMessage())));
                return;
            }
            boolean ok = ar.result().ready();
            json(ctx, ok ? 200 : 503, Map.of("status", ok ? "ready" : "not_ready", "checks", ar.result().toJson().get("checks")));
        });
    }

    static UUID uuidParam(HttpServerRequest req, String name) {
        String v = req.getParam(name);
        if (v == null || v.isEmpty()) {
            throw ProtocolException.invalidField(name, "is required");
        }
        if (!JsonFields.isUuid(v)) {
            throw ProtocolException.invalidField(name, "must be a UUID");
        }
        return UUID.fromString(v);
    }

    private static long longParam(HttpServerRequest req, String name, long min, long max, long def) {
        String v = req.getParam(name);
        if (v == null || v.isEmpty()) {
            return def;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProtocolException.invalidField(name, "must be an integer in " + min + ".." + max + ", was " + v);
    }

    static Set<EventType> eventTypes(String param) {
        if (param == null || param.isBlank()) {
            return EventType.ALL;
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String t : param.split(",")) {
            String name = t.trim();
            types.add(EventType.fromWire(name).orElseThrow(() -> ProtocolException.invalidField("event_types",
                    "has an unknown event type '" + name + "' (known: " + String.join(", ", EventType.WIRE_NAMES) + ")")));
        }
        return types;
    }

    private static Future<Void> json(RoutingContext ctx, int status, Object body) {
        return ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(Json.writeBytes(body)));
    }
}
