package io.projectindex.hub.server.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.projectindex.hub.protocol.EventType;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter of the hub, registered once with a description and low-cardinality tags only
 * (event type, outcome, reason — never a connection or project id). Hot paths hold the meter
 * references returned here; nothing looks a meter up by name per event. Thread-safe.
 */
public final class HubMetrics {
    public static final String PREFIX = "project_index_websocket_";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<EventType, Counter> published = new EnumMap<>(EventType.class);
    private final Map<EventType, Counter> delivered = new EnumMap<>(EventType.class);
    private final Map<EventType, Counter> replayed = new EnumMap<>(EventType.class);
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Timer connectionDuration;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, Counter> messagesReceived = new ConcurrentHashMap<>();
    private final Map<String, Counter> closes = new ConcurrentHashMap<>();

    public HubMetrics() {
        for (EventType t : EventType.values()) {
            published.put(t, Counter.builder(PREFIX + "events_published")
                    .description("Events accepted by the publish API, by type").tag("event_type", t.wire())
                    .register(registry));
            delivered.put(t, Counter.builder(PREFIX + "events_delivered")
                    .description("Live events handed to a connection's outbound queue, by type").tag("event_type", t.wire())
                    .register(registry));
            replayed.put(t, Counter.builder(PREFIX + "events_replayed")
                    .description("Events sent by replay or resume, by type").tag("event_type", t.wire())
                    .register(registry));
        }
        Gauge.builder(PREFIX + "active_connections", activeConnections, AtomicInteger::get)
                .description("Open WebSocket connections on this node").register(registry);
        connectionDuration = Timer.builder(PREFIX + "connection_duration")
                .description("How long WebSocket connections stayed open")
                .publishPercentileHistogram()
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public Counter published(EventType type) {
        return published.get(type);
    }

    public Counter delivered(EventType type) {
        return delivered.get(type);
    }

    public Counter replayed(EventType type) {
        return replayed.get(type);
    }

    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    public void connectionClosed(Duration open, int closeCode) {
        activeConnections.decrementAndGet();
        connectionDuration.record(open);
        closes.computeIfAbsent(Integer.toString(closeCode), c -> Counter.builder(PREFIX + "connections_closed")
                .description("Closed WebSocket connections, by close code").tag("code", c).register(registry)).increment();
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    /** A client message was received; {@code action} is a protocol action or "invalid". */
    public void messageReceived(String action) {
        messagesReceived.computeIfAbsent(action, a -> Counter.builder(PREFIX + "messages_received")
                .description("Client messages received, by action").tag("action", a).register(registry)).increment();
    }

    /** An error was reported or raised; {@code type} is an error code or exception class, {@code component} the part of the hub. */
    public void error(String type, String component) {
        errors.computeIfAbsent(type + "|" + component, k -> Counter.builder(PREFIX + "errors")
                .description("Errors by type and component").tag("error_type", type).tag("component", component)
                .register(registry)).increment();
    }
}
