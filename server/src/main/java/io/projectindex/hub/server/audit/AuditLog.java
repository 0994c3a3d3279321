package io.projectindex.hub.server.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.server.monitor.HubMetrics;
import io.projectindex.hub.server.time.HubClock;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The security audit trail: one JSON object per line, apart from the operational log, for
 * authentication failures, forbidden attempts, publishes, admin endpoint use, connection-limit
 * hits and token expiry on open connections. Thread-safe and non-blocking: a line is formatted
 * by the caller and queued for a writer thread; a line that does not fit the bounded queue is
 * dropped and counted ({@code project_index_websocket_audit_dropped}), never waited for.
 *
 * <p>Every line has {@code ts} (ISO-8601 UTC), {@code event} and {@code node}; the other fields
 * depend on the event (see docs/security.md). Values are JSON-escaped, so nothing a client
 * sends can start a line of its own.
 */
public final class AuditLog {
    /** Reasons and other free text are cut to this length: 300 characters. */
    public static final int MAX_TEXT_CHARS = 300;

    /** Where formatted lines go. Implementations are thread-safe and never block in {@link #offer}. */
    public interface Sink {
        /** @return false when the line was refused (queue full) */
        boolean offer(String line);

        void close();
    }

    /** The audited events, with their wire names. */
    public enum Kind {
        AUTH_FAILURE("auth_failure"),
        FORBIDDEN("forbidden"),
        PUBLISH("publish"),
        ADMIN("admin"),
        CONNECTION_LIMIT("connection_limit"),
        TOKEN_REFRESHED("token_refreshed"),
        TOKEN_EXPIRED("token_expired");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private static final Sink NOWHERE = new Sink() {
        @Override
        public boolean offer(String line) {
            return true;
        }

        @Override
        public void close() {
        }
    };

    private final Sink sink;
    private final HubClock clock;
    private final String nodeId;
    private final boolean enabled;
    private final Map<Kind, Counter> written = new EnumMap<>(Kind.class);
    private final Counter dropped;

    public AuditLog(Sink sink, HubClock clock, String nodeId, MeterRegistry registry) {
        this.sink = sink == null ? NOWHERE : sink;
        this.enabled = sink != null;
        this.clock = clock;
        this.nodeId = nodeId;
        for (Kind k : Kind.values()) {
            written.put(k, Counter.builder(HubMetrics.PREFIX + "audit_events")
                    .description("Security audit events, by event").tag("event", k.wire()).register(registry));
        }
        dropped = Counter.builder(HubMetrics.PREFIX + "audit_dropped")
                .description("Audit lines dropped because the audit writer's queue was full").register(registry);
    }

    /**
     * The audit log for a destination: {@code off}, {@code stderr} or a file path (appended to).
     * Opening a file happens here, at start, never on an event loop.
     */
    public static AuditLog open(String destination, HubClock clock, String nodeId, MeterRegistry registry) {
        Sink sink = destination.equals("off") ? null : AuditWriter.open(destination);
        return new AuditLog(sink, clock, nodeId, registry);
    }

    public boolean enabled() {
        return enabled;
    }

    /** A refused token (missing, malformed, expired, bad signature, …); {@code reason} never goes to the client. */
    public void authFailure(String transport, String remoteIp, String reason) {
        Map<String, Object> f = fields(Kind.AUTH_FAILURE);
        f.put("transport", transport);
        f.put("remote_ip", remoteIp);
        f.put("reason", cut(reason));
        write(Kind.AUTH_FAILURE, f);
    }

    /** An authenticated caller asked for something its token does not allow. */
    public void forbidden(String user, String action, UUID projectId, String remoteIp) {
        Map<String, Object> f = fields(Kind.FORBIDDEN);
        f.put("user", user);
        f.put("action", action);
        f.put("project_id", projectId == null ? null : projectId.toString());
        f.put("remote_ip", remoteIp);
        write(Kind.FORBIDDEN, f);
    }

    /** Events accepted from one publish request, one line per project. */
    public void published(String user, String remoteIp, Map<UUID, Integer> countsByProject) {
        for (Map.Entry<UUID, Integer> e : countsByProject.entrySet()) {
            Map<String, Object> f = fields(Kind.PUBLISH);
            f.put("user", user);
            f.put("project_id", e.getKey().toString());
            f.put("count", e.getValue());
            f.put("remote_ip", remoteIp);
            write(Kind.PUBLISH, f);
        }
    }

    /** A monitoring or debug endpoint was called; {@code allowed} false when refused for lack of {@code admin}. */
    public void admin(String user, String method, String path, String remoteIp, boolean allowed) {
        Map<String, Object> f = fields(Kind.ADMIN);
        f.put("user", user);
        f.put("method", method);
        f.put("path", cut(path));
        f.put("remote_ip", remoteIp);
        f.put("allowed", allowed);
        write(Kind.ADMIN, f);
    }

    /**
     * A connection was refused by a limit.
     *
     * @param limit {@code max_connections}, {@code max_connections_per_user} or {@code handshake_rate}
     * @param user  null when the limit applies before authentication
     */
    public void connectionLimit(String limit, String user, String remoteIp, double max) {
        Map<String, Object> f = fields(Kind.CONNECTION_LIMIT);
        f.put("limit", limit);
        f.put("user", user);
        f.put("remote_ip", remoteIp);
        f.put("max", max == Math.rint(max) ? (Object) (long) max : (Object) max);
        write(Kind.CONNECTION_LIMIT, f);
    }

    /** A connection's token was replaced by an in-band refresh. */
    public void tokenRefreshed(String user, String connectionId, Instant expiresAt) {
        Map<String, Object> f = fields(Kind.TOKEN_REFRESHED);
        f.put("user", user);
        f.put("connection_id", connectionId);
        f.put("expires_at", expiresAt == null ? null : Timestamps.format(expiresAt));
        write(Kind.TOKEN_REFRESHED, f);
    }

    /** A connection was closed with 4001 because its token expired without a refresh. */
    public void tokenExpired(String user, String connectionId, String remoteIp) {
        Map<String, Object> f = fields(Kind.TOKEN_EXPIRED);
        f.put("user", user);
        f.put("connection_id", connectionId);
        f.put("remote_ip", remoteIp);
        write(Kind.TOKEN_EXPIRED, f);
    }

    /** Stops the writer after what is queued; does not wait. */
    public void close() {
        sink.close();
    }

    public long droppedLines() {
        return (long) dropped.count();
    }

    private Map<String, Object> fields(Kind kind) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ts", Timestamps.format(clock.now()));
        f.put("event", kind.wire());
        f.put("node", nodeId);
        return f;
    }

    private void write(Kind kind, Map<String, Object> fields) {
        written.get(kind).increment();
        if (enabled && !sink.offer(Json.write(fields))) {
            dropped.increment();
        }
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT_CHARS ? s : s.substring(0, MAX_TEXT_CHARS) + "…";
    }
}
