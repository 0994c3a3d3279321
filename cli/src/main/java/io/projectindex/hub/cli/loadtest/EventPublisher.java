package io.projectindex.hub.cli.loadtest;

import io.projectindex.hub.protocol.EventType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Confined to its own context's event loop (readers: after {@link #done()} completes).
 * Publishes the plan's events through {@code POST /api/v1/project-index/events} on schedule: requests of
 * {@code publishBatch} events, paced by a {@link RatePacer}, round-robin over the projects, at most {@code
 * publishConcurrency} in flight, until the planned count is sent or {@code warmup + duration} has passed.
 * Every event's data carries the send time ({@value FrameScanner#SENT_NANOS_FIELD}, this process's {@code
 * System.nanoTime()}) and a sequence number. Only 202 answers count as accepted; anything else is a publish
 * error by status.
 */
final class EventPublisher {
    private static final long TICK_MILLIS = 1;

    private final Vertx vertx;
    private final Context context;
    private final LoadTestPlan plan;
    private final List<UUID> projects;
    private final HttpClientAgent http;
    private final RequestOptions post;
    private final String padding;
    private final AtomicLongArray acceptedPerProject;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Histogram requestMicros = LatencySummary.newHistogram();
    private final Map<String, Long> errors = new TreeMap<>();
    private RatePacer pacer;
    private long deadlineNanos;
    private long request;
    private long eventsSent;
    private long eventsAccepted;
    private long maxBehind;
    private int inFlight;
    private boolean stopped;

    EventPublisher(Vertx vertx, LoadTestPlan plan, URI base, List<UUID> projects) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.plan = plan;
        this.projects = projects;
        this.acceptedPerProject = new AtomicLongArray(projects.size());
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort()), new PoolOptions().setHttp1MaxSize(plan.publishConcurrency()));
        this.post = new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/project-index/events")
                .putHeader("content-type", "application/json").setTimeout(30_000);
        this.padding = "x".repeat(plan.payloadBytes());
    }

    /** Starts publishing now; {@link #done()} completes when the last answer is in. */
    void start() {
        context.runOnContext(v -> {
            long now = System.nanoTime();
            double requestsPerSecond = plan.rate() / plan.publishBatch();
            pacer = new RatePacer(requestsPerSecond, now, plan.plannedRequests());
            deadlineNanos = now + plan.warmup().toNanos() + plan.duration().toNanos();
            tick();
            vertx.setPeriodic(TICK_MILLIS, id -> {
                if (stopped) {
                    vertx.cancelTimer(id);
                } else {
                    tick();
                }
            });
        });
    }

    private void tick() {
        long now = System.nanoTime();
        // At the deadline, still send what fell due before it (a tick may land just after).
        long at = Math.min(now, deadlineNanos - 1);
        int n = pacer.take(at, plan.publishConcurrency() - inFlight);
        maxBehind = Math.max(maxBehind, pacer.behind(at));
        for (int k = 0; k < n; k++) {
            send();
        }
        if (now >= deadlineNanos || pacer.exhausted()) {
            stopped = true;
            finishIfIdle();
        }
    }

    private void send() {
        long r = request++;
        int project = (int) (r % projects.size());
        long first = r * plan.publishBatch();
        int count = (int) Math.min(plan.publishBatch(), plan.plannedEvents() - first);
        long sentNanos = System.nanoTime();
        Buffer body = body(projects.get(project), first, count, sentNanos);
        inFlight++;
        eventsSent += count;
        http.request(post).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    inFlight--;
                    requestMicros.recordValue(LatencySummary.toMicros(System.nanoTime() - sentNanos));
                    if (ar.succeeded() && ar.result() == 202) {
                        eventsAccepted += count;
                        acceptedPerProject.addAndGet(project, count);
                    } else {
                        String why = ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName();
                        errors.merge(why, (long) count, Long::sum);
                    }
                    if (stopped) {
                        finishIfIdle();
                    }
                });
    }

    private void finishIfIdle() {
        if (inFlight == 0 && !done.isDone()) {
            http.close();
            done.complete(null);
        }
    }

    /** A publish body of {@code count} events for one project, numbered from {@code firstSeq}. */
    Buffer body(UUID project, long firstSeq, int count, long sentNanos) {
        StringBuilder b = new StringBuilder(count * (200 + padding.length()) + 16);
        if (count > 1) {
            b.append("{\"events\":[");
        }
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(',');
            }
            appendEvent(b, plan.eventType(), project, firstSeq + i, sentNanos);
        }
        if (count > 1) {
            b.append("]}");
        }
        return Buffer.buffer(b.toString());
    }

    private void appendEvent(StringBuilder b, EventType type, UUID project, long seq, long sentNanos) {
        b.append("{\"type\":\"").append(type.wire()).append("\",\"data\":{\"project_id\":\"").append(project)
                .append('"');
        switch (type) {
            case DEPENDENCY_CHANGED -> b.append(",\"file_path\":\"src/loadtest/File").append(seq % 1000)
                    .append(".java\",\"change_type\":\"modified\"");
            case ANALYSIS_PROGRESS -> b.append(",\"session_id\":\"").append(project)
                    .append("\",\"progress_percentage\":").append(seq % 100);
            case PROJECT_INDEX_UPDATED -> b.append(",\"status\":\"in_progress\"");
            case CONTEXT_OPTIMIZED -> b.append(",\"context_id\":\"").append(project).append('"');
        }
        b.append(",\"lt_seq\":").append(seq).append(",\"").append(FrameScanner.SENT_NANOS_FIELD).append("\":")
                .append(sentNanos);
        if (!padding.isEmpty()) {
            b.append(",\"lt_padding\":\"").append(padding).append('"');
        }
        b.append("}}");
    }

    CompletableFuture<Void> done() {
        return done;
    }

    long eventsSent() {
        return eventsSent;
    }

    long eventsAccepted() {
        return eventsAccepted;
    }

    long acceptedFor(int project) {
        return acceptedPerProject.get(project);
    }

    long maxBehindRequests() {
        return maxBehind;
    }

    Map<String, Long> errors() {
        return Map.copyOf(errors);
    }

    LatencySummary requestLatency() {
        return LatencySummary.of(requestMicros);
    }
}
