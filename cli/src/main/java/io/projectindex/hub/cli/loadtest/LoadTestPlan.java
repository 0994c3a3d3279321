package io.projectindex.hub.cli.loadtest;

import io.projectindex.hub.protocol.EventType;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one load test does, validated: every count and every wait is bounded, and the hub must be
 * on this machine (loopback) — the tool opens thousands of sockets and must not be aimed at
 * someone else's server.
 *
 * @param target base URL of a running hub; null with {@code start}
 * @param start launch the hub as a separate JVM from {@code hubJar}
 * @param serverPid the running hub's process id, to read its CPU and RSS (null = not measured)
 * @param maxEvents events to publish at most; the run also stops after {@code warmup + duration}
 * @param hold how long the subscribed connections stay idle before publishing starts (and before the
 *             "connected" memory reading)
 * @param warmup publishing before the measured window; its events are delivered and checked but
 *               not in the latency and CPU figures
 */
public record LoadTestPlan(URI target, boolean start, Long serverPid, List<String> serverJvmFlags,
                           Map<String, String> hubSettings, Path hubJar, int connections, double rate,
                           int publishBatch, Duration duration, long maxEvents, Duration warmup, Duration hold,
                           boolean batch, Compression compression, int projects, EventType eventType,
                           int payloadBytes, double connectRate, int connectConcurrency, Duration connectTimeout,
                           Duration drainTimeout, int clientEventLoops, int publishConcurrency) {

    /** 28,232 ephemeral ports (32768–60999) per destination, and one fd per socket on each side. */
    public static final int MAX_CONNECTIONS = 25_000;
    public static final double MAX_RATE = 1_000_000;
    public static final Duration MAX_PHASE = Duration.ofHours(1);
    public static final Duration MAX_WAIT = Duration.ofMinutes(10);

    public static final int DEFAULT_CONNECTIONS = 100;
    public static final double DEFAULT_RATE = 100;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    /** Connection attempts per second: a 10,000-connection fleet is up in about 5 s. */
    public static final double DEFAULT_CONNECT_RATE = 2000;
    /** Handshakes in flight at once. */
    public static final int DEFAULT_CONNECT_CONCURRENCY = 256;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_CLIENT_EVENT_LOOPS = 2;
    /** Publish requests in flight at once (also the HTTP connection pool size). */
    public static final int DEFAULT_PUBLISH_CONCURRENCY = 32;

    /** How the connections ask for compression. */
    public enum Compression {
        /** Plain text frames. */
        NONE,
        /** {@code compression=gzip}: gzip binary frames for large messages (protocol §6). */
        GZIP,
        /** The client offers permessage-deflate (RFC 7692). */
        DEFLATE
    }

    public LoadTestPlan {
        serverJvmFlags = List.copyOf(serverJvmFlags);
        hubSettings = Map.copyOf(hubSettings);
        List<String> problems = new ArrayList<>();
        if (start == (target != null)) {
            problems.add("give exactly one of --start and --target");
        }
        if (target != null) {
            String why = notLoopback(target);
            if (why != null) {
                problems.add(why);
            }
        }
        if (start && serverPid != null) {
            problems.add("--server-pid is only for --target (with --start the tool knows the pid)");
        }
        if (!start && (!serverJvmFlags.isEmpty() || !hubSettings.isEmpty())) {
            problems.add("--server-jvm-flags and --hub-setting apply only with --start");
        }
        range(problems, "--connections", connections, 1, MAX_CONNECTIONS);
        range(problems, "--rate", rate, 0, MAX_RATE);
        range(problems, "--publish-batch", publishBatch, 1, 1000);
        range(problems, "--max-events", maxEvents, 0, 1_000_000_000L);
        range(problems, "--projects", projects, 1, connections);
        range(problems, "--payload-bytes", payloadBytes, 0, 256 * 1024);
        range(problems, "--connect-rate", connectRate, 1, 100_000);
        range(problems, "--connect-concurrency", connectConcurrency, 1, 10_000);
        range(problems, "--client-event-loops", clientEventLoops, 1, 64);
        range(problems, "--publish-concurrency", publishConcurrency, 1, 1024);
        phase(problems, "--duration", duration, MAX_PHASE);
        phase(problems, "--hold", hold, MAX_PHASE);
        phase(problems, "--warmup", warmup, MAX_WAIT);
        phase(problems, "--connect-timeout", connectTimeout, MAX_WAIT);
        phase(problems, "--drain-timeout", drainTimeout, MAX_WAIT);
        if (rate > 0 && duration != null && duration.isZero()) {
            problems.add("--duration must be > 0 when --rate > 0");
        }
        if (start && hubJar == null) {
            problems.add("--start needs the hub jar (--hub-jar)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Events this plan publishes: the rate over warm-up and duration, capped by {@code maxEvents}. */
    public long plannedEvents() {
        double seconds = (warmup.toNanos() + duration.toNanos()) / 1e9;
        return Math.min(maxEvents, (long) Math.floor(rate * seconds));
    }

    /** Publish requests this plan sends (the last one may hold fewer than {@code publishBatch} events). */
    public long plannedRequests() {
        return (plannedEvents() + publishBatch - 1) / publishBatch;
    }

    /** Why {@code uri} is refused as a target, or null when it is an http URL on a loopback address. */
    public static String notLoopback(URI uri) {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            return "--target must look like http://127.0.0.1:8000, was " + uri;
        }
        String host = uri.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return null;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return "--target must be an IP literal or localhost (no name lookups), was " + host;
        }
        try {
            // An IP literal: getByName parses it without a lookup.
            if (InetAddress.getByName(literal).isLoopbackAddress()) {
                return null;
            }
        } catch (UnknownHostException e) {
            return "--target host " + host + " is not an IP address";
        }
        return "--target must be a loopback address (127.0.0.0/8, ::1 or localhost), was " + host;
    }

    private static void range(List<String> problems, String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            problems.add(name + " must be " + fmt(min) + ".." + fmt(max) + ", was " + fmt(value));
        }
    }

    private static void phase(List<String> problems, String name, Duration d, Duration max) {
        if (d == null || d.isNegative() || d.compareTo(max) > 0) {
            problems.add(name + " must be 0.." + max.toMinutes() + "m, was " + d);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
