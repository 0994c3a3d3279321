package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.protocol.message.Notice;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.delivery.DeliveryPolicy;
import io.projectindex.hub.server.delivery.OutboundFrame;
import io.projectindex.hub.server.delivery.OutboundQueue;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterCounts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.hub.LiveHold;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.hub.Subscriber;
import io.projectindex.hub.server.hub.Subscription;
import io.projectindex.hub.server.hub.SubscriptionSet;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.transport.StreamPositioning.Positioned;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Confined to the event loop of its shard. One Server-Sent Events stream (PROTOCOL §11): a
 * subscriber of one project on the shard of the event loop its request arrived on, writing each
 * event as an SSE record ({@code id: <epoch>:<offset>}, {@code event: <type>}, {@code data:
 * <envelope>}) through its own {@link OutboundQueue}, so the node's queue bounds, the live rate
 * limit, conflation and the client's event form (full or redacted) apply exactly as on a
 * WebSocket.
 *
 * <p>Design note. With a {@code Last-Event-ID} the stream
 * resumes like a WebSocket {@code subscribe} with {@code since_offset}/{@code epoch}, through the
 * same {@link StreamPositioning} and {@link LiveHold}: the subscription is registered first and
 * its live events held, the missed events are read, then both go out merged by offset with no
 * gap or duplicate at the seam. When history cannot recover, a {@code reset} record (with the
 * stream's head as its id) says why and live events follow; when history is unreachable the
 * stream ends so the client retries with the same id. A {@code : keep-alive} comment goes out
 * every ping interval; a stream whose writes make no progress for two intervals is ended, like a
 * WebSocket ping timeout, and one whose queue overflows is cut at once (the client reconnects
 * with its last id). A graceful shutdown sends a {@code notice} record and ends the stream. The
 * stream ends through one idempotent {@link #end(String)}.
 */
public final class SseStream implements Subscriber, OutboundQueue.Sink, LoopMember {
    private static final Logger log = LoggerFactory.getLogger(SseStream.class);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    /** Reconnection delay suggested to EventSource clients: 1 s. */
    static final long RETRY_MILLIS = 1000;
    private static final long SHUTDOWN_FLUSH_MILLIS = 2000;

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final Shard shard;
    private final HubServices services;
    private final Principal principal;
    private final UUID projectId;
    private final Set<EventType> types;
    private final StreamPosition resumeAfter;
    private final String id;
    private final Instant connectedAt;
    private final long connectedNanos;
    private final SubscriptionSet subscriptions = new SubscriptionSet();
    private final OutboundQueue outbound;
    private final TokenLifetime token;
    private final FilterCounts filtered = new FilterCounts();

    private LiveHold hold;
    private boolean closing;
    private int inFlight;
    private long writesCompleted;
    private long completedAtLastTick;
    private int stalledTicks;

    SseStream(HttpServerRequest request, Context context, Shard shard, HubServices services, Principal principal,
              UUID projectId, Set<EventType> types, StreamPosition resumeAfter, String id) {
        this.request = request;
        this.response = request.response();
        this.context = context;
        this.shard = shard;
        this.services = services;
        this.principal = principal;
        this.projectId = projectId;
        this.types = types;
        this.resumeAfter = resumeAfter;
        this.id = id;
        this.connectedAt = services.clock().now();
        this.connectedNanos = services.clock().nanoTime();
        this.outbound = new OutboundQueue(this, services.clock(), DeliveryPolicy.of(services.config().delivery(), false,
                false).withView(services.redaction().view(principal)), services.queueBudget(), connectedNanos);
        this.token = new TokenLifetime(context.owner(), services, principal, id, request.remoteAddress());
    }

    void start() {
        response.setChunked(true).setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(v -> end("client"));
        response.exceptionHandler(t -> log.debug("stream {}: {}", id, t.toString()));
        shard.attach(this);
        services.metrics().sseStreamOpened();
        log.info("event stream {} opened: user={} project={} types={} last_event_id={} remote={}", id,
                principal.userId(), projectId, types.size() == EventType.ALL.size() ? "all" : types,
                resumeAfter == null ? null : resumeAfter.epoch() + ":" + resumeAfter.offset(), request.remoteAddress());
        // The first bytes flush the headers and tell EventSource how soon to reconnect.
        outbound.offerControl(("retry: " + RETRY_MILLIS + "\n\n").getBytes(StandardCharsets.UTF_8));
        token.start(notice -> { }, () -> end("token_expired"));
        Subscription s = new Subscription("sse", types, projectId, null, FilterSpec.DEFAULT);
        if (resumeAfter == null) {
            shard.subscribe(this, s);
            return;
        }
        hold = new LiveHold(projectId, true);
        shard.subscribe(this, s);
        // Multi-node: this node's sequence of the project must reach the read position before the
        // held live events are released (Hub#observed), as for a WebSocket resume.
        Loops.on(context, StreamPositioning.afterOffset(services.history(), s, resumeAfter.offset(), resumeAfter.epoch(),
                services.config().websocket().resumeMaxEvents()).compose(p -> Future.fromCompletionStage(
                        services.hub().observed(projectId, p.head())).otherwiseEmpty().map(p))).onComplete(ar -> {
                    if (closing) {
                        return;
                    }
                    if (ar.failed()) {
                        services.metrics().resumes("unavailable").increment();
                        log.warn("stream {}: history unavailable, ending so the client retries: {}", id, ar.cause().toString());
                        end("unavailable");
                        return;
                    }
                    Positioned p = ar.result();
                    services.metrics().resumes(p.recovered() ? "recovered" : p.reason()).increment();
                    if (!p.recovered()) {
                        outbound.offerControl(reset(p));
                    }
                    releaseHold(s, p.missed(), p.recovered() ? null : p.head());
                });
    }

    /** {@code event: reset} with the stream's head as its id, so a reconnect after it does not ask for the lost range again. */
    private static byte[] reset(Positioned p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("recovered", false);
        data.put("reason", p.reason());
        data.put("epoch", p.head().epoch());
        data.put("offset", p.head().offset());
        return ("id: " + p.head().epoch() + ":" + p.head().offset() + "\nevent: reset\ndata: " + Json.write(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void releaseHold(Subscription resumed, List<StoredEvent> missed, StreamPosition startsAfter) {
        LiveHold h = hold;
        hold = null;
        if (h != null) {
            h.release(subscriptions, shard, resumed, missed, startsAfter, this::send);
        }
    }

    @Override
    public SubscriptionSet subscriptions() {
        return subscriptions;
    }

    /**
     * The project's stream has a hole or a new epoch (multi-node): the stream ends, and the
     * client's automatic reconnect with Last-Event-ID gets the missed events or a {@code reset}
     * record saying what was lost — the same contract as a WebSocket's close 4010.
     */
    @Override
    public void streamReset(io.projectindex.hub.server.hub.StreamReset reset) {
        if (!closing && projectId.equals(reset.projectId())) {
            log.info("stream {}: stream of project {} reset ({}); ending so the client resumes", id, projectId,
                    reset.reason());
            end("stream_reset");
        }
    }

    @Override
    public void deliverLive(StoredEvent event, EventFacts facts, FilterDecision global) {
        if (closing || !principal.canRead(event.projectId())) {
            return;
        }
        LiveHold h = hold;
        if (h != null && h.holds(event)) {
            int held = h.add(event, facts, global);
            if (held > services.config().delivery().connectionQueueEvents()) {
                closeSlowConsumer(held + " live events held while the stream was positioned");
            }
            return;
        }
        send(event, subscriptions.evaluate(event, facts, global), false);
    }

    private void send(StoredEvent e, FilterDecision d, boolean replay) {
        if (d == null || closing) {
            return;
        }
        if (!d.passed()) {
            filtered.record(d);
            services.metrics().filtered(d.reason()).increment();
        } else if (replay) {
            services.metrics().replayed(e.type()).increment();
            outbound.offerReplay(e);
        } else {
            services.metrics().delivered(e.type()).increment();
            OutboundQueue.Offer offer = outbound.offerLive(e);
            if (offer == OutboundQueue.Offer.RATE_LIMITED) {
                services.metrics().rateLimitViolations("outbound").increment();
            } else if (offer == OutboundQueue.Offer.CONFLATED) {
                services.metrics().filtered("conflated").increment();
            }
        }
    }

    // ---------------------------------------------------------------- the socket side of the queue

    @Override
    public boolean writeQueueFull() {
        return !closing && !response.closed() && response.writeQueueFull();
    }

    @Override
    public void requestDrain() {
        response.drainHandler(v -> {
            response.drainHandler(null);
            outbound.onDrain();
        });
    }

    @Override
    public void requestTimer(long delayNanos) {
        long ms = Math.max(1, (delayNanos + 999_999) / 1_000_000);
        context.owner().setTimer(ms, t -> outbound.onTimer());
    }

    @Override
    public void write(OutboundFrame frame) {
        if (response.ended() || response.closed()) {
            outbound.onWritten(frame, false);
            return;
        }
        Buffer record = frame.kind() == OutboundFrame.Kind.CONTROL ? Buffer.buffer(frame.bytes()) : record(frame);
        inFlight++;
        response.write(record).onComplete(ar -> {
            inFlight--;
            writesCompleted++;
            outbound.onWritten(frame, ar.succeeded());
            WrittenFrames.completed(frame, ar.succeeded(), services.metrics(), services.clock(), (e, replayed) -> { });
        });
    }

    /** The event an event frame carries (the stream never batches: one per frame); null for a reply. */
    private static StoredEvent event(OutboundFrame frame) {
        return frame.carried().isEmpty() ? null : frame.carried().get(0);
    }

    /** One event as an SSE record; the data line is the envelope, which is one line of JSON. */
    private static Buffer record(OutboundFrame frame) {
        StoredEvent e = event(frame);
        String head = "id: " + e.epoch() + ":" + e.offset() + "\nevent: " + e.type().wire() + "\ndata: ";
        return Buffer.buffer(head.length() + frame.bytes().length + 2).appendString(head).appendBytes(frame.bytes())
                .appendString("\n\n");
    }

    @Override
    public void closeSlowConsumer(String detail) {
        log.warn("stream {}: slow consumer, ending it: {}", id, detail);
        services.metrics().error("slow_consumer", "sse");
        end("slow_consumer");
    }

    // ---------------------------------------------------------------- lifecycle

    /** Keep-alive comment; ends a stream whose writes have not progressed for two intervals. */
    @Override
    public void pingTick() {
        if (closing) {
            return;
        }
        boolean pending = inFlight > 0 || outbound.queuedFrames() > 0;
        stalledTicks = pending && writesCompleted == completedAtLastTick ? stalledTicks + 1 : 0;
        completedAtLastTick = writesCompleted;
        if (stalledTicks >= 2) {
            log.info("stream {}: no write completed in two keep-alive intervals, ending it", id);
            end("stalled");
            return;
        }
        outbound.offerControl(KEEP_ALIVE);
    }

    @Override
    public void shutdown() {
        if (closing) {
            return;
        }
        byte[] data = Json.writeBytes(new Notice(Notice.SHUTDOWN, "server shutting down; reconnect and resume", 1000L));
        outbound.offerControl(Buffer.buffer("event: notice\ndata: ").appendBytes(data).appendString("\n\n").getBytes());
        endWhenFlushed(SHUTDOWN_FLUSH_MILLIS);
    }

    private void endWhenFlushed(long millisLeft) {
        if (closing) {
            return;
        }
        if ((outbound.queuedFrames() == 0 && inFlight == 0) || millisLeft <= 0) {
            end("shutdown");
        } else {
            context.owner().setTimer(20, t -> endWhenFlushed(millisLeft - 20));
        }
    }

    /**
     * The one way the stream ends; idempotent. A client that is not reading (slow consumer,
     * stalled) has its connection reset; otherwise the response is ended normally.
     */
    void end(String reason) {
        if (closing) {
            return;
        }
        closing = true;
        outbound.close();
        hold = null;
        shard.detach(this);
        token.closed();
        services.connectionSlots().decrementAndGet();
        services.metrics().sseStreamEnded(reason);
        log.info("event stream {} ended: reason={} duration={}ms delivered={} replayed={}", id, reason,
                (services.clock().nanoTime() - connectedNanos) / 1_000_000, outbound.stats().eventsSent(),
                outbound.stats().replaySent());
        if (!response.closed() && !response.ended()) {
            if (reason.equals("slow_consumer") || reason.equals("stalled")) {
                response.reset();
            } else {
                response.end();
            }
        }
    }

    // ---------------------------------------------------------------- monitoring

    @Override
    public Map<String, Object> describe() {
        Subscription only = subscriptions.all().isEmpty() ? null : subscriptions.all().get(0);
        return ClientReports.describe(new ClientReports.Identity(id, "sse", principal, null, request.remoteAddress(),
                connectedAt), only == null ? List.of() : List.of(only), outbound, filtered, 0);
    }

    @Override
    public Map<String, Object> queueStatus() {
        return ClientReports.queueStatus(id, "sse", outbound);
    }

    @Override
    public boolean isStream() {
        return true;
    }
}
