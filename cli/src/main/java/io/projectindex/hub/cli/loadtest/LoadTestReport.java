package io.projectindex.hub.cli.loadtest;

import java.util.List;
import java.util.Map;

/**
 * What one load test measured. Written as JSON (snake_case) by {@code --json} and as a table
 * otherwise. Server figures are null when the hub's pid is unknown ({@code --target} without
 * {@code --server-pid}).
 */
public record LoadTestReport(String startedAt, Setup setup, Fleet fleet, Publishing publishing, Delivery delivery,
                             LatencySummary latency, Server server, Process loadGenerator, Machine machine,
                             List<String> warnings) {

    public LoadTestReport {
        warnings = List.copyOf(warnings);
    }

    /** True when every expected delivery arrived exactly once, in order, and no connection was lost. */
    public boolean allDelivered() {
        return fleet.subscribed() == setup.connections() && delivery.delivered() == delivery.expected()
                && delivery.missing() == 0 && delivery.duplicatesOrOutOfOrder() == 0
                && fleet.closedDuringRun().isEmpty();
    }

    /** The run's parameters and environment. */
    public record Setup(String mode, String target, int connections, int projects, double rate, int publishBatch,
                        double durationSeconds, double warmupSeconds, double holdSeconds, boolean batch,
                        String compression, String eventType, int payloadBytes, List<String> serverCommand,
                        Map<String, String> hubSettings, List<String> loadGeneratorJvmFlags, int availableProcessors,
                        String loadAverageBefore, String loadAverageAfter) {
    }

    /** Opening and keeping the connections. */
    public record Fleet(int requested, int subscribed, int connectFailed, int subscribeFailed, double connectSeconds,
                        Map<String, Long> connectFailures, Map<String, Long> closedDuringRun,
                        Map<String, Long> errorsReceived) {
    }

    /** The publisher's side. */
    public record Publishing(long eventsPlanned, long eventsSent, long eventsAccepted, Map<String, Long> errors,
                             double eventsPerSecond, long maxBehindRequests, LatencySummary requestLatency) {
    }

    /**
     * Deliveries: {@code expected} is, over every subscribed connection, the events accepted for its
     * project. The rate and per-CPU figures cover the measured window (after warm-up, until drained).
     * {@code eventFrames} counts frames that held events (lone envelopes and batches); {@code gzipFrames}
     * the binary (gzip) frames among all frames read.
     */
    public record Delivery(long expected, long delivered, double deliveredPercent, long missing, long gaps,
                           long duplicatesOrOutOfOrder, int connectionsIncomplete, long eventFrames, long gzipFrames,
                           double eventsPerFrame,
                           long unreadableFrames, double measuredSeconds, long deliveredInWindow,
                           double deliveriesPerSecond, double drainSeconds, boolean drained) {
    }

    /**
     * The hub process. Bytes are RSS; "before" is before the first connection, "idle" after all
     * subscribed and the hold. CPU covers the measured window; {@code cpuSystemSeconds} is its kernel part.
     */
    public record Server(long pid, Long rssBeforeBytes, Long rssIdleBytes, Long rssAfterBytes,
                         Double rssPer100ConnectionsBytes, Double idleCpuPercent, Double cpuSeconds,
                         Double cpuSystemSeconds, Double cpuPercent, Double deliveriesPerCpuSecond) {
    }

    /**
     * The whole machine over the measured window, in percent of one core (so up to 100 x cores):
     * {@code otherCpuPercent} is what neither the hub nor the load generator used — other processes
     * and the kernel's own work; null when the hub's pid is unknown.
     */
    public record Machine(int cores, double busyCpuPercent, Double otherCpuPercent) {
    }

    /** A process's CPU over the measured window, and its RSS at the end. */
    public record Process(double cpuSeconds, double cpuPercent, long rssBytes) {
    }
}
