package io.projectindex.hub.server.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.projectindex.hub.protocol.EventType;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe. Every meter of the hub, registered once with a description and low-cardinality
 * tags only (event_type, outcome, reason, status, direction, backend, error_type, component,
 * severity — never a connection or project id). Hot paths keep the meter references returned here
 * ({@code published(type)}, {@code deliveryDuration(type)}, {@code filtered(reason)}…) instead of
 * looking meters up per event. Tags whose values are open-ended are capped (see
 * {@link TaggedCounters}). {@link #snapshot()} feeds the {@link MetricSampler}.
 */
public final class HubMetrics implements AutoCloseable {
    public static final String PREFIX = "project_index_websocket_";
    /** Distinct tag combinations allowed per open-ended counter before values fold into "other": 64. */
    public static final int MAX_TAG_SERIES = 64;

    /** Delivery and processing latency buckets: around the 50 ms baseline and the 500/1000 ms alerts. */
    private static final Duration[] LATENCY_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000);
    private static final Duration[] APPEND_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000);
    private static final Duration[] CONNECTION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4),
            Duration.ofHours(12), Duration.ofDays(1)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics;

    private final Map<EventType, Counter> published = new EnumMap<>(EventType.class);
    private final Map<EventType, Counter> delivered = new EnumMap<>(EventType.class);
    private final Map<EventType, Counter> replayed = new EnumMap<>(EventType.class);
    private final Map<EventType, Timer> deliveryDuration = new EnumMap<>(EventType.class);
    private final Map<EventType, Timer> processingDuration = new EnumMap<>(EventType.class);
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final AtomicInteger sseStreams = new AtomicInteger();
    private final LongAdder queueSize = new LongAdder();
    private volatile java.util.function.LongSupplier boundQueue;
    private final AtomicLong healthScoreBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final Timer connectionDuration;
    private final Counter connectionsOpened;
    private final DistributionSummary batchSize;
    private final DistributionSummary compressionRatio;
    private final Map<AlertSeverity, Counter> alertsFired = new EnumMap<>(AlertSeverity.class);
    private final Map<String, Timer> historyAppend = new ConcurrentHashMap<>();
    private final Timer publishRequestDuration;

    private final TaggedCounters errors;
    private final TaggedCounters messagesReceived;
    private final TaggedCounters messagesSent;
    private final TaggedCounters closes;
    private final TaggedCounters rejected;
    private final TaggedCounters filtered;
    private final TaggedCounters rateLimited;
    private final TaggedCounters publishFailures;
    private final TaggedCounters replays;
    private final TaggedCounters resumes;
    private final Counter cleanedFromMemory;
    private final Counter cleanedFromDatabase;
    private final TaggedCounters sseClosed;

    /** All hub meters plus the JVM, GC, thread, processor and uptime binders. */
    public HubMetrics() {
        this(true);
    }

    /** @param jvmMetrics whether to bind the JVM binders (tests of pure logic may skip the GC listeners) */
    public HubMetrics(boolean jvmMetrics) {
        // Filters go first (Micrometer applies them at registration). Two binder meters fail
        // promtool's lint: a counter in nanoseconds (process_cpu_usage stays) and a gauge named
        // *_count. Drop the first, rename the second.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.logical") : id;
            }
        });
        for (EventType t : EventType.values()) {
            published.put(t, Counter.builder(PREFIX + "events_published")
                    .description("Events durably accepted by the publish API, by type").tag("event_type", t.wire())
                    .register(registry));
            delivered.put(t, Counter.builder(PREFIX + "events_delivered")
                    .description("Live events written to a connection, by type").tag("event_type", t.wire())
                    .register(registry));
            replayed.put(t, Counter.builder(PREFIX + "events_replayed")
                    .description("Events sent by replay or resume, by type").tag("event_type", t.wire())
                    .register(registry));
            deliveryDuration.put(t, Timer.builder(PREFIX + "event_delivery_duration")
                    .description("Time from publish accepted to written on a socket, by type")
                    .tag("event_type", t.wire()).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
            processingDuration.put(t, Timer.builder(PREFIX + "event_processing_duration")
                    .description("Time to validate, append and fan out one published event, by type")
                    .tag("event_type", t.wire()).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
        }
        publishRequestDuration = Timer.builder(PREFIX + "publish_request_duration")
                .description("Accepted publish requests: from routing the request (before its body is read) until the 202 is written to the socket")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        Gauge.builder(PREFIX + "active_connections", activeConnections, AtomicInteger::get)
                .description("Open WebSocket connections on this node").register(registry);
        Gauge.builder(PREFIX + "sse_streams", sseStreams, AtomicInteger::get)
                .description("Open Server-Sent Events streams on this node").register(registry);
        Gauge.builder(PREFIX + "queue_size", this, HubMetrics::queueSize)
                .description("Events waiting in outbound connection queues on this node").register(registry);
        Gauge.builder(PREFIX + "health_score", healthScoreBits, b -> Double.longBitsToDouble(b.get()))
                .description("Overall health from the last health check: 1 healthy, 0.5 degraded, 0 unhealthy, NaN not yet checked")
                .register(registry);
        Gauge.builder(PREFIX + "memory_usage_bytes", () -> MemoryStatus.read().usedBytes())
                .description("Process resident memory (heap + non-heap in use where RSS is unknown)").register(registry);
        connectionDuration = Timer.builder(PREFIX + "connection_duration")
                .description("How long WebSocket connections stayed open")
                .serviceLevelObjectives(CONNECTION_BUCKETS).register(registry);
        connectionsOpened = Counter.builder(PREFIX + "connections_opened")
                .description("WebSocket handshakes accepted").register(registry);
        batchSize = DistributionSummary.builder(PREFIX + "batch_size")
                .description("Events per batch frame sent to a client")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000).register(registry);
        compressionRatio = DistributionSummary.builder(PREFIX + "compression_ratio")
                .description("Compressed size / original size of compressed frames (lower is better)")
                .serviceLevelObjectives(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0).register(registry);
        for (AlertSeverity s : AlertSeverity.values()) {
            alertsFired.put(s, Counter.builder(PREFIX + "alerts_fired")
                    .description("Alerts fired by the alert rules, by severity").tag("severity", s.wire()).register(registry));
        }

        errors = new TaggedCounters(registry, PREFIX + "errors", "Errors by type and component", MAX_TAG_SERIES,
                "error_type", "component");
        messagesReceived = new TaggedCounters(registry, PREFIX + "messages_received", "Client messages received, by action",
                MAX_TAG_SERIES, "action");
        messagesSent = new TaggedCounters(registry, PREFIX + "messages_sent",
                "Server frames to clients by status: sent (written), failed (write error), dropped (never written)",
                MAX_TAG_SERIES, "status");
        closes = new TaggedCounters(registry, PREFIX + "connections_closed", "Closed WebSocket connections, by close code",
                MAX_TAG_SERIES, "code");
        rejected = new TaggedCounters(registry, PREFIX + "connections_rejected", "WebSocket handshakes refused, by reason",
                MAX_TAG_SERIES, "reason");
        filtered = new TaggedCounters(registry, PREFIX + "events_filtered",
                "Events matched by a subscription but not delivered, by reason", MAX_TAG_SERIES, "reason");
        rateLimited = new TaggedCounters(registry, PREFIX + "rate_limit_violations",
                "Messages over a rate limit: inbound (client messages) or outbound (events to a client)", MAX_TAG_SERIES,
                "direction");
        publishFailures = new TaggedCounters(registry, PREFIX + "publish_failures",
                "Publishes that failed on the server side (store unavailable, timeout), by reason", MAX_TAG_SERIES, "reason");
        replays = new TaggedCounters(registry, PREFIX + "replays", "Replay requests, by outcome", MAX_TAG_SERIES, "outcome");
        resumes = new TaggedCounters(registry, PREFIX + "resumes", "Resuming subscribes, by outcome", MAX_TAG_SERIES, "outcome");
        cleanedFromMemory = Counter.builder(PREFIX + "history_cleaned_events")
                .description("Expired events removed by the scheduled history cleanup, by tier").tag("tier", "memory")
                .register(registry);
        cleanedFromDatabase = Counter.builder(PREFIX + "history_cleaned_events")
                .description("Expired events removed by the scheduled history cleanup, by tier").tag("tier", "database")
                .register(registry);
        sseClosed = new TaggedCounters(registry, PREFIX + "sse_streams_ended",
                "Server-Sent Events streams ended, by reason (client, shutdown, slow_consumer, stalled, token_expired, unavailable)",
                MAX_TAG_SERIES, "reason");
        for (String status : new String[]{"sent", "failed", "dropped"}) {
            messagesSent.get(status);
        }
        rateLimited.get("inbound");
        rateLimited.get("outbound");

        if (jvmMetrics) {
            new JvmMemoryMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
        } else {
            gcMetrics = null;
        }
    }

    private static Duration[] millis(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(values[i]);
        }
        return out;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition (format 0.0.4) of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    // ---- publish ----

    public Counter published(EventType type) {
        return published.get(type);
    }

    /** Validate → appended → fanned out, for one published event. */
    public Timer processingDuration(EventType type) {
        return processingDuration.get(type);
    }

    /** A server-side publish failure; {@code reason} e.g. history_unavailable, timeout. Keep the counter. */
    public Counter publishFailed(String reason) {
        return publishFailures.get(reason);
    }

    /** Publish requests answered 202: request headers routed → body read, stored, fanned out → 202 written. */
    public Timer publishRequestDuration() {
        return publishRequestDuration;
    }

    /** Append latency of one history backend (memory, sqlite, postgres, redis). Keep the timer. */
    public Timer historyAppend(String backend) {
        return historyAppend.computeIfAbsent(backend, b -> Timer.builder(PREFIX + "history_append_duration")
                .description("Time to append an event to the history store, by backend")
                .tag("backend", b).serviceLevelObjectives(APPEND_BUCKETS).register(registry));
    }

    // ---- delivery ----

    public Counter delivered(EventType type) {
        return delivered.get(type);
    }

    /** Publish accepted → written to the socket. */
    public Timer deliveryDuration(EventType type) {
        return deliveryDuration.get(type);
    }

    public Counter replayed(EventType type) {
        return replayed.get(type);
    }

    /** Why an event matched but was not delivered (filter, preference, frequency, conflated…). Keep the counter. */
    public Counter filtered(String reason) {
        return filtered.get(reason);
    }

    /** Frames to clients by {@code status}: sent, failed or dropped. Keep the counter. */
    public Counter messagesSent(String status) {
        return messagesSent.get(status);
    }

    /** {@code direction}: inbound or outbound. Keep the counter. */
    public Counter rateLimitViolations(String direction) {
        return rateLimited.get(direction);
    }

    /** Adds to (or, negative, takes from) the events waiting in outbound queues. */
    public void queueSizeChanged(long delta) {
        queueSize.add(delta);
    }

    public long queueSize() {
        java.util.function.LongSupplier bound = boundQueue;
        return bound != null ? bound.getAsLong() : queueSize.sum();
    }

    /** Reads the queue size from {@code source} (the node's outbound budget) instead of deltas. */
    public void bindQueueSize(java.util.function.LongSupplier source) {
        this.boundQueue = source;
    }

    public DistributionSummary batchSize() {
        return batchSize;
    }

    /** Record compressed / original bytes of each compressed frame. */
    public DistributionSummary compressionRatio() {
        return compressionRatio;
    }

    /** Replay requests by {@code outcome}, e.g. complete, truncated, failed. */
    public Counter replays(String outcome) {
        return replays.get(outcome);
    }

    /** Expired events the scheduled cleanup removed from the memory tier, in total. */
    public Counter cleanedFromMemory() {
        return cleanedFromMemory;
    }

    /** Expired events the scheduled cleanup removed from the durable tier, in total. */
    public Counter cleanedFromDatabase() {
        return cleanedFromDatabase;
    }

    /** Resuming subscribes by {@code outcome}, e.g. recovered, too_many, epoch_changed. */
    public Counter resumes(String outcome) {
        return resumes.get(outcome);
    }

    // ---- connections ----

    public void connectionOpened() {
        connectionsOpened.increment();
        activeConnections.incrementAndGet();
    }

    /** A handshake was refused ({@code reason} e.g. unauthorized, connection_limit, draining). */
    public void connectionRejected(String reason) {
        rejected.get(reason).increment();
    }

    public void connectionClosed(Duration open, int closeCode) {
        activeConnections.decrementAndGet();
        connectionDuration.record(open);
        closes.get(Integer.toString(closeCode)).increment();
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    public void sseStreamOpened() {
        sseStreams.incrementAndGet();
    }

    /** A Server-Sent Events stream ended; {@code reason} e.g. client, shutdown, slow_consumer. */
    public void sseStreamEnded(String reason) {
        sseStreams.decrementAndGet();
        sseClosed.get(reason).increment();
    }

    public int sseStreams() {
        return sseStreams.get();
    }

    /** A client message was received; {@code action} is a protocol action or "invalid". */
    public void messageReceived(String action) {
        messagesReceived.get(action).increment();
    }

    // ---- errors, health, alerts ----

    /** An error was reported or raised; {@code type} is an error code or exception class, {@code component} the part of the hub. */
    public void error(String type, String component) {
        errors.get(type, component).increment();
    }

    /** The same counter, for a path that reports one kind of error often. */
    public Counter errors(String type, String component) {
        return errors.get(type, component);
    }

    public void healthScore(double score) {
        healthScoreBits.set(Double.doubleToLongBits(score));
    }

    public double healthScore() {
        return Double.longBitsToDouble(healthScoreBits.get());
    }

    public void alertFired(AlertSeverity severity) {
        alertsFired.get(severity).increment();
    }

    /** Cumulative counters and current gauges for the sampler. */
    public MonitorSnapshot snapshot() {
        long deliveries = 0;
        double deliveryMillis = 0;
        for (Timer t : deliveryDuration.values()) {
            deliveries += t.count();
            deliveryMillis += t.totalTime(TimeUnit.MILLISECONDS);
        }
        return new MonitorSnapshot(sum(published), publishFailures.total(), sum(delivered), deliveries, deliveryMillis,
                errors.total(), messagesReceived.total(), (long) connectionsOpened.count(), rejected.total(),
                activeConnections.get(), Math.max(0, queueSize()), MemoryStatus.read().usedBytes());
    }

    /**
     * The hub's own meters as JSON for {@code GET /websocket/metrics} (JVM meters stay in the
     * Prometheus scrape): counts by tag value, latencies as {@code {count, mean_ms, max_ms}}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("published", byType(published));
        events.put("delivered", byType(delivered));
        events.put("replayed", byType(replayed));
        events.put("filtered", filtered.counts());
        events.put("publish_failures", publishFailures.counts());
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("active", activeConnections.get());
        connections.put("opened", (long) connectionsOpened.count());
        connections.put("rejected", rejected.counts());
        connections.put("closed", closes.counts());
        connections.put("sse_streams", sseStreams.get());
        connections.put("sse_streams_ended", sseClosed.counts());
        Map<String, Object> messages = new LinkedHashMap<>();
        messages.put("received", messagesReceived.counts());
        messages.put("sent", messagesSent.counts());
        Map<String, Object> alerts = new LinkedHashMap<>();
        alertsFired.forEach((severity, c) -> alerts.put(severity.wire(), (long) c.count()));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("events", events);
        json.put("event_delivery_latency_ms", latency(deliveryDuration.values()));
        json.put("event_processing_latency_ms", latency(processingDuration.values()));
        json.put("history_append_latency_ms", latency(historyAppend.values()));
        json.put("connections", connections);
        json.put("messages", messages);
        json.put("rate_limit_violations", rateLimited.counts());
        json.put("replays", replays.counts());
        json.put("resumes", resumes.counts());
        json.put("queue_size", Math.max(0, queueSize()));
        json.put("batch_size", Map.of("count", batchSize.count(), "mean", batchSize.mean()));
        json.put("compression_ratio", Map.of("count", compressionRatio.count(), "mean", compressionRatio.mean()));
        json.put("errors", errors.counts());
        json.put("alerts_fired", alerts);
        double score = healthScore();
        json.put("health_score", Double.isNaN(score) ? null : score);
        json.put("memory_usage_bytes", MemoryStatus.read().usedBytes());
        return json;
    }

    private static Map<String, Object> byType(Map<EventType, Counter> counters) {
        Map<String, Object> out = new LinkedHashMap<>();
        counters.forEach((type, c) -> out.put(type.wire(), (long) c.count()));
        return out;
    }

    private static Map<String, Object> latency(Collection<Timer> timers) {
        long count = 0;
        double total = 0;
        double max = 0;
        for (Timer t : timers) {
            count += t.count();
            total += t.totalTime(TimeUnit.MILLISECONDS);
            max = Math.max(max, t.max(TimeUnit.MILLISECONDS));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count);
        out.put("mean_ms", count > 0 ? total / count : null);
        out.put("max_ms", count > 0 ? max : null);
        return out;
    }

    private static long sum(Map<EventType, Counter> counters) {
        double total = 0;
        for (Counter c : counters.values()) {
            total += c.count();
        }
        return (long) total;
    }

    /** Unhooks the GC listeners and closes the registry. */
    @Override
    public void close() {
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        registry.close();
    }
}
