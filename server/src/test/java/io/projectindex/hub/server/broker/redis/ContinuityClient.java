package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client that stays subscribed to one project for as long as it runs: whenever its connection
 * ends (4010, 1001, anything) it connects to the next node and resumes from the last position it
 * holds, like the SDK does. It records every event it receives, every {@code recovered:false}
 * resume (what the hub reported lost), and every violation of continuity it sees — an offset that
 * skips ahead without a report, a duplicate, an epoch change without a report. Runs on a thread of
 * its own; {@link #close} stops it.
 */
final class ContinuityClient implements AutoCloseable {
    /**
     * A {@code recovered:false} resume: the client held {@code from} and was told the stream is
     * at {@code to}. Not sent to it: the events after {@code from} up to {@code to} in one epoch;
     * with a new epoch, the rest of the old one and the new one up to {@code to}.
     */
    record Report(String reason, String fromEpoch, long fromOffset, String toEpoch, long toOffset) {
        boolean covers(String epoch, long offset) {
            if (fromEpoch.equals(toEpoch)) {
                return epoch.equals(fromEpoch) && offset > fromOffset && offset <= toOffset;
            }
            return epoch.equals(fromEpoch) && offset > fromOffset || epoch.equals(toEpoch) && offset <= toOffset;
        }
    }

    private final List<TestHub> nodes;
    private final UUID project;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final List<Report> reports = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> closeCodes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> closes = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stop;
    private volatile String epoch;
    private volatile long offset = -1;

    ContinuityClient(List<TestHub> nodes, int firstNode, UUID project) {
        this.nodes = List.copyOf(nodes);
        this.project = project;
        this.thread = new Thread(() -> run(firstNode), "continuity-client-" + firstNode);
        this.thread.setDaemon(true);
    }

    /** Connects and subscribes; returns once the first subscription is acknowledged. */
    ContinuityClient start() {
        thread.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> epoch != null);
        return this;
    }

    private void run(int firstNode) {
        int attempt = firstNode;
        int failures = 0;
        while (!stop) {
            if (failures > 2000) {
                violations.add("could not stay subscribed: " + failures + " failed attempts");
                return;
            }
            TestHub hub = nodes.get(attempt++ % nodes.size());
            WsRecorder ws;
            JsonNode ack;
            try {
                ws = hub.connectWelcomed("");
                ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\""
                        + (epoch == null ? "" : ",\"since_offset\":" + offset + ",\"epoch\":\"" + epoch + "\"") + "}");
            } catch (RuntimeException | AssertionError e) {
                failures++;
                continue;
            }
            if (!ack.path("type").asText().equals("subscription_ack")) {
                failures++;
                ws.close();
                continue;
            }
            JsonNode d = ack.path("data");
            if (epoch != null && !d.path("recovered").asBoolean(true)) {
                reports.add(new Report(d.path("reason").asText(), epoch, offset, d.path("epoch").asText(),
                        d.path("offset").asLong()));
                epoch = d.path("epoch").asText();
                offset = d.path("offset").asLong();
            } else if (epoch == null) {
                offset = d.path("offset").asLong();
                epoch = d.path("epoch").asText();
            }
            listen(ws);
        }
    }

    private void listen(WsRecorder ws) {
        while (!stop) {
            WsRecorder.Frame f = ws.pollFrame(Duration.ofMillis(100));
            if (f == null) {
                continue;
            }
            if (f.isClose()) {
                synchronized (closeCodes) {
                    closeCodes.add(f.closeCode());
                    closes.add(f.closeCode() + " " + f.reason());
                }
                return;
            }
            if (f.text() == null) {
                continue;
            }
            JsonNode m = f.json();
            if (m.path("type").asText().equals("batch")) {
                m.path("events").forEach(this::event);
            } else if (m.has("offset")) {
                event(m);
            }
        }
        ws.close();
    }

    private void event(JsonNode e) {
        String ep = e.path("epoch").asText();
        long off = e.path("offset").asLong();
        if (!ep.equals(epoch)) {
            violations.add("epoch changed from " + epoch + ":" + offset + " to " + ep + ":" + off + " without a report");
        } else if (off <= offset) {
            violations.add("duplicate " + ep + ":" + off + " after " + offset);
        } else if (off != offset + 1) {
            violations.add("silent gap: " + ep + ":" + offset + " then " + off);
        }
        epoch = ep;
        offset = off;
        ids.add(e.path("id").asText());
    }

    boolean received(String id) {
        return ids.contains(id);
    }

    int receivedCount() {
        return ids.size();
    }

    /** True once the client holds {@code epoch:offset} or a later position of that epoch. */
    boolean reached(String targetEpoch, long targetOffset) {
        return targetEpoch.equals(epoch) && offset >= targetOffset;
    }

    String position() {
        return epoch + ":" + offset;
    }

    List<Report> reports() {
        synchronized (reports) {
            return List.copyOf(reports);
        }
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    List<Integer> closeCodes() {
        synchronized (closeCodes) {
            return List.copyOf(closeCodes);
        }
    }

    /** Every close this client received, as {@code "code reason"}, in order (for messages). */
    List<String> closes() {
        synchronized (closeCodes) {
            return List.copyOf(closes);
        }
    }

    /** Whether the event at {@code epoch:offset} was reported lost to this client. */
    boolean reportedLost(String eventEpoch, long eventOffset) {
        return reports().stream().anyMatch(r -> r.covers(eventEpoch, eventOffset));
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
