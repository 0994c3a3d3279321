package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HubMetricsTest {
    private static final String P = HubMetrics.PREFIX;
    private final HubMetrics metrics = new HubMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    /** A small scripted workload through the hot-path handles, as the transport and publisher will drive them. */
    private void workload() {
        metrics.connectionOpened();
        metrics.connectionOpened();
        metrics.connectionRejected("unauthorized");
        metrics.messageReceived("subscribe");
        metrics.messageReceived("subscribe");
        metrics.messageReceived("invalid");
        metrics.published(EventType.ANALYSIS_PROGRESS).increment(3);
        metrics.published(EventType.PROJECT_INDEX_UPDATED).increment();
        metrics.processingDuration(EventType.ANALYSIS_PROGRESS).record(Duration.ofMillis(4));
        metrics.delivered(EventType.ANALYSIS_PROGRESS).increment(2);
        metrics.deliveryDuration(EventType.ANALYSIS_PROGRESS).record(Duration.ofMillis(30));
        metrics.deliveryDuration(EventType.ANALYSIS_PROGRESS).record(Duration.ofMillis(700));
        metrics.filtered("min_progress").increment();
        metrics.messagesSent("sent").increment(2);
        metrics.rateLimitViolations("outbound").increment();
        metrics.queueSizeChanged(5);
        metrics.queueSizeChanged(-2);
        metrics.error("INVALID_MESSAGE", "websocket");
        metrics.batchSize().record(10);
        metrics.compressionRatio().record(0.25);
        metrics.historyAppend("memory").record(Duration.ofMillis(2));
        metrics.replays("complete").increment();
        metrics.resumes("recovered").increment();
        metrics.publishFailed("history_unavailable").increment();
        metrics.alertFired(AlertSeverity.WARNING);
        metrics.healthScore(1.0);
        metrics.connectionClosed(Duration.ofSeconds(42), 1000);
    }

    @Test
    void everyMeterOfTheIssueMovesAndScrapesToExactValues() {
        workload();
        PrometheusText text = PrometheusText.parse(metrics.scrape());

        assertThat(text.value(P + "events_published_total", "event_type", "analysis_progress")).isEqualTo(3);
        assertThat(text.value(P + "events_published_total", "event_type", "project_index_updated")).isEqualTo(1);
        assertThat(text.value(P + "events_published_total", "event_type", "context_optimized")).isZero();
        assertThat(text.value(P + "events_delivered_total", "event_type", "analysis_progress")).isEqualTo(2);
        assertThat(text.value(P + "events_filtered_total", "reason", "min_progress")).isEqualTo(1);
        assertThat(text.value(P + "active_connections")).isEqualTo(1);
        assertThat(text.value(P + "connections_opened_total")).isEqualTo(2);
        assertThat(text.value(P + "connections_rejected_total", "reason", "unauthorized")).isEqualTo(1);
        assertThat(text.value(P + "connections_closed_total", "code", "1000")).isEqualTo(1);
        assertThat(text.value(P + "messages_received_total", "action", "subscribe")).isEqualTo(2);
        assertThat(text.value(P + "messages_sent_total", "status", "sent")).isEqualTo(2);
        assertThat(text.value(P + "messages_sent_total", "status", "dropped")).isZero();
        assertThat(text.value(P + "rate_limit_violations_total", "direction", "outbound")).isEqualTo(1);
        assertThat(text.value(P + "rate_limit_violations_total", "direction", "inbound")).isZero();
        assertThat(text.value(P + "queue_size")).isEqualTo(3);
        assertThat(text.value(P + "errors_total", "error_type", "INVALID_MESSAGE", "component", "websocket")).isEqualTo(1);
        assertThat(text.value(P + "health_score")).isEqualTo(1.0);
        assertThat(text.value(P + "memory_usage_bytes")).isPositive();
        assertThat(text.value(P + "replays_total", "outcome", "complete")).isEqualTo(1);
        assertThat(text.value(P + "resumes_total", "outcome", "recovered")).isEqualTo(1);
        assertThat(text.value(P + "publish_failures_total", "reason", "history_unavailable")).isEqualTo(1);
        assertThat(text.value(P + "alerts_fired_total", "severity", "warning")).isEqualTo(1);

        // Histograms: cumulative buckets around the alert thresholds, in seconds.
        String delivery = P + "event_delivery_duration_seconds";
        assertThat(text.types).containsEntry(delivery, "histogram");
        assertThat(text.value(delivery + "_count", "event_type", "analysis_progress")).isEqualTo(2);
        assertThat(text.value(delivery + "_sum", "event_type", "analysis_progress")).isCloseTo(0.73, within());
        assertThat(text.value(delivery + "_bucket", "event_type", "analysis_progress", "le", "0.05")).isEqualTo(1);
        assertThat(text.value(delivery + "_bucket", "event_type", "analysis_progress", "le", "1.0")).isEqualTo(2);
        assertThat(text.value(P + "event_processing_duration_seconds_count", "event_type", "analysis_progress")).isEqualTo(1);
        assertThat(text.value(P + "connection_duration_seconds_sum")).isEqualTo(42);
        assertThat(text.value(P + "history_append_duration_seconds_count", "backend", "memory")).isEqualTo(1);
        assertThat(text.value(P + "batch_size_count")).isEqualTo(1);
        assertThat(text.value(P + "batch_size_sum")).isEqualTo(10);
        assertThat(text.value(P + "compression_ratio_sum")).isEqualTo(0.25);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    @Test
    void hubMetersCarryOnlyLowCardinalityLabels() {
        workload();
        PrometheusText text = PrometheusText.parse(metrics.scrape());
        assertThat(text.labelNames(P)).isSubsetOf(Set.of("event_type", "outcome", "reason", "backend", "direction",
                "status", "tier", "error_type", "component", "severity", "action", "code", "le"));
    }

    @Test
    void jvmAndGcBindersAreExported() {
        PrometheusText text = PrometheusText.parse(metrics.scrape());
        assertThat(text.types).containsKeys("jvm_memory_used_bytes", "jvm_threads_live_threads", "system_cpu_logical",
                "process_uptime_seconds");
        assertThat(text.types.keySet()).anyMatch(n -> n.startsWith("jvm_gc_"));
    }

    @Test
    void openEndedTagValuesFoldIntoOtherInsteadOfGrowingWithoutBound() {
        for (int i = 0; i < HubMetrics.MAX_TAG_SERIES + 10; i++) {
            metrics.filtered("reason_" + i).increment();
        }
        metrics.filtered("not a tag value!").increment();
        PrometheusText text = PrometheusText.parse(metrics.scrape());
        long series = text.samples.stream().filter(s -> s.name().equals(P + "events_filtered_total")).count();
        assertThat(series).isEqualTo(HubMetrics.MAX_TAG_SERIES + 1);
        assertThat(text.value(P + "events_filtered_total", "reason", "other")).isEqualTo(11);
    }

    @Test
    void snapshotSumsTheCountersTheSamplerNeeds() {
        workload();
        MonitorSnapshot s = metrics.snapshot();
        assertThat(s.eventsPublished()).isEqualTo(4);
        assertThat(s.publishFailures()).isEqualTo(1);
        assertThat(s.eventsDelivered()).isEqualTo(2);
        assertThat(s.deliveries()).isEqualTo(2);
        assertThat(s.deliveryMillisTotal()).isCloseTo(730, within());
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.messagesReceived()).isEqualTo(3);
        assertThat(s.connectionsOpened()).isEqualTo(2);
        assertThat(s.connectionsRejected()).isEqualTo(1);
        assertThat(s.activeConnections()).isEqualTo(1);
        assertThat(s.queueSize()).isEqualTo(3);
        assertThat(s.memoryBytes()).isPositive();
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonViewGroupsTheSameCountsByTagValue() {
        workload();
        Map<String, Object> json = metrics.toJson();
        Map<String, Object> events = (Map<String, Object>) json.get("events");
        assertThat((Map<String, Object>) events.get("published")).containsEntry("analysis_progress", 3L)
                .containsEntry("project_index_updated", 1L).containsEntry("context_optimized", 0L);
        assertThat((Map<String, Object>) events.get("filtered")).isEqualTo(Map.of("min_progress", 1L));
        assertThat(json.get("errors")).isEqualTo(Map.of("INVALID_MESSAGE", Map.of("websocket", 1L)));
        assertThat((Map<String, Object>) json.get("event_delivery_latency_ms")).containsEntry("count", 2L)
                .containsEntry("mean_ms", 365.0).containsEntry("max_ms", 700.0);
        assertThat((Map<String, Object>) json.get("connections")).containsEntry("active", 1).containsEntry("opened", 2L)
                .containsEntry("rejected", Map.of("unauthorized", 1L)).containsEntry("closed", Map.of("1000", 1L));
        assertThat(json).containsEntry("queue_size", 3L).containsEntry("health_score", 1.0);
    }

    @Test
    void freshRegistryReportsHealthScoreAsUnknownRatherThanHealthyOrBroken() {
        PrometheusText text = PrometheusText.parse(metrics.scrape());
        assertThat(text.value(P + "health_score")).isNaN();
    }

    /** promtool's linter accepts the scrape (installed on first use if missing); the parser above checks it too. */
    @Test
    void scrapePassesPromtoolCheckMetrics(@TempDir Path dir) throws IOException, InterruptedException {
        workload();
        Promtool.assertCheckMetricsPasses(metrics.scrape(), dir);
    }
}
