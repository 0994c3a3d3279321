package io.projectindex.hub.cli.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * Ticks on the first client loop; {@link #start} may be called from any thread, once.
 * Opens the fleet at a bounded pace: at most {@code connectRate} attempts per second and at most
 * {@code connectConcurrency} handshakes-plus-subscribes in flight. Connection {@code i} lives on client
 * loop {@code i mod loops} and subscribes to project {@code i mod projects}.
 */
final class Connector {
    private static final long TICK_MILLIS = 2;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final List<ClientLoop> loops;
    private final LoadTestPlan plan;
    private final FleetCounters counters;
    private final WebSocketConnectOptions connect;
    private final String[] subscribeMessages;
    private RatePacer pacer;
    private int next;

    Connector(Vertx vertx, WebSocketClient client, List<ClientLoop> loops, LoadTestPlan plan, URI base,
              List<UUID> projects, FleetCounters counters) {
        this.vertx = vertx;
        this.client = client;
        this.loops = loops;
        this.plan = plan;
        this.counters = counters;
        this.connect = new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                .setURI(path(plan)).setConnectTimeout(plan.connectTimeout().toMillis())
                .setTimeout(plan.connectTimeout().toMillis()).setRegisterWriteHandlers(false);
        this.subscribeMessages = new String[projects.size()];
        for (int p = 0; p < projects.size(); p++) {
            subscribeMessages[p] = "{\"action\":\"subscribe\",\"project_id\":\"" + projects.get(p)
                    + "\",\"event_types\":[\"" + plan.eventType().wire() + "\"],\"subscription_id\":\"lt\"}";
        }
    }

    /** The WebSocket path with the connection options of protocol §1. */
    static String path(LoadTestPlan plan) {
        StringBuilder q = new StringBuilder("/api/v1/project-index/websocket");
        String sep = "?";
        if (plan.batch()) {
            q.append(sep).append("batch=true");
            sep = "&";
        }
        if (plan.compression() == LoadTestPlan.Compression.GZIP) {
            q.append(sep).append("compression=gzip");
        }
        return q.toString();
    }

    void start() {
        loops.get(0).context.runOnContext(v -> {
            pacer = new RatePacer(plan.connectRate(), System.nanoTime(), plan.connections());
            tick();
            if (!pacer.exhausted()) {
                vertx.setPeriodic(TICK_MILLIS, id -> {
                    tick();
                    if (pacer.exhausted()) {
                        vertx.cancelTimer(id);
                    }
                });
            }
        });
    }

    private void tick() {
        int room = plan.connectConcurrency() - counters.handshakesInFlight.get();
        int n = pacer.take(System.nanoTime(), room);
        for (int k = 0; k < n; k++) {
            int i = next++;
            ClientLoop loop = loops.get(i % loops.size());
            int project = i % subscribeMessages.length;
            counters.handshakesInFlight.incrementAndGet();
            loop.context.runOnContext(v -> open(loop, project));
        }
    }

    private void open(ClientLoop loop, int project) {
        client.connect(connect).onComplete(ar -> {
            if (ar.succeeded()) {
                new LoadConnection(project, subscribeMessages[project], loop, counters).attach(ar.result());
            } else {
                counters.handshakesInFlight.decrementAndGet();
                counters.connectFailed(reason(ar.cause()));
            }
        });
    }

    private static String reason(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.replaceAll("[0-9a-f-]{36}", "<id>")
                .replaceAll(":\\d{4,5}\\b", ":<port>"));
    }
}
