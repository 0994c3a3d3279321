package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.CloseCode;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.protocol.message.Action;
import io.projectindex.hub.protocol.message.ClientMessage;
import io.projectindex.hub.protocol.message.ClientMessageDecoder;
import io.projectindex.hub.protocol.message.ErrorData;
import io.projectindex.hub.protocol.message.GetStats;
import io.projectindex.hub.protocol.message.Notice;
import io.projectindex.hub.protocol.message.Ping;
import io.projectindex.hub.protocol.message.Pong;
import io.projectindex.hub.protocol.message.PreferencesAck;
import io.projectindex.hub.protocol.message.Refresh;
import io.projectindex.hub.protocol.message.Replay;
import io.projectindex.hub.protocol.message.ReplayComplete;
import io.projectindex.hub.protocol.message.ServerMessage;
import io.projectindex.hub.protocol.message.SetPreferences;
import io.projectindex.hub.protocol.message.Subscribe;
import io.projectindex.hub.protocol.message.SubscriptionAck;
import io.projectindex.hub.protocol.message.Unsubscribe;
import io.projectindex.hub.protocol.message.Welcome;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.config.WebSocketConfig;
import io.projectindex.hub.server.delivery.DeliveryPolicy;
import io.projectindex.hub.server.delivery.DeliveryStats;
import io.projectindex.hub.server.delivery.InboundLimiter;
import io.projectindex.hub.server.delivery.OutboundFrame;
import io.projectindex.hub.server.delivery.OutboundQueue;
import io.projectindex.hub.server.filter.CompiledRule;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterCounts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.hub.Subscriber;
import io.projectindex.hub.server.hub.Subscription;
import io.projectindex.hub.server.hub.SubscriptionSet;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection: decodes client messages, answers each with exactly one reply, keeps
 * the connection's subscriptions, and writes events through its {@link OutboundQueue}.
 *
 * <p>Design note. Confined to the event loop of its {@link Shard}; every field is touched only
 * there. Replies go out in request order: while a request waits on history (subscribe with a
 * project, replay), later messages wait in a small inbox. A project-scoped subscribe registers the
 * subscription first, holds that project's live events for this connection, reads the stream
 * position (and for a resume the missed events), sends the ack, then the missed events and the
 * held live events merged by offset without duplicates — so there is no gap and no duplicate at
 * the seam. The connection fails through one idempotent {@link #close(CloseCode, String)}.
 */
public final class Connection implements Subscriber, OutboundQueue.Sink {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int MAX_INBOX = 64;
    /** Longest a graceful shutdown waits for a connection's queued frames to be written. */
    private static final long SHUTDOWN_FLUSH_MILLIS = 2000;
    private static final Buffer PING_PAYLOAD = Buffer.buffer("hub");

    private final ServerWebSocket ws;
    private final Context context;
    private final Shard shard;
    private final HubServices services;
    private final WebSocketConfig limits;
    private final String id;
    /** Replaced by a successful {@code refresh}; {@link #token} owns its lifetime. */
    private Principal principal;
    private final TokenLifetime token;
    private final ConnectionOptions options;
    private final Instant connectedAt;
    private final long connectedNanos;
    private final SubscriptionSet subscriptions = new SubscriptionSet();
    private final OutboundQueue outbound;
    private final InboundLimiter inbound;

    private ArrayDeque<String> inbox;
    private boolean busy;
    private Hold hold;
    private int subscriptionSeq;
    private int missedPongs;
    private boolean closing;
    private CloseCode closeCode;
    private String closeReason;
    private long messagesReceived;
    private long errorsSent;
    private final FilterCounts filtered = new FilterCounts();

    /** Live events of one project held (unfiltered) while a subscription of it is being positioned. */
    private static final class Hold {
        final UUID projectId;
        final List<Held> events = new ArrayList<>();

        Hold(UUID projectId) {
            this.projectId = projectId;
        }
    }

    /** A held live event with its facts and the global rules' decision, filtered when released. */
    private record Held(StoredEvent event, EventFacts facts, FilterDecision global) {
    }

    /** The outcome of positioning a project subscription. */
    private record Positioned(StreamPosition head, Boolean recovered, String reason, List<StoredEvent> missed) {
    }

    Connection(ServerWebSocket ws, Context context, Shard shard, HubServices services, Principal principal,
               ConnectionOptions options, String id) {
        this.ws = ws;
        this.context = context;
        this.shard = shard;
        this.services = services;
        this.limits = services.config().websocket();
        this.principal = principal;
        this.token = new TokenLifetime(context.owner(), services, principal, id, ws.remoteAddress());
        this.options = options;
        this.id = id;
        this.connectedAt = services.clock().now();
        this.connectedNanos = services.clock().nanoTime();
        this.outbound = new OutboundQueue(this, services.clock(),
                DeliveryPolicy.of(services.config().delivery(), options.batch(), options.gzip()), services.queueBudget(),
                connectedNanos);
        this.inbound = InboundLimiter.of(limits, services.clock());
    }

    public String id() {
        return id;
    }

    public Principal principal() {
        return principal;
    }

    public ConnectionOptions options() {
        return options;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    @Override
    public SubscriptionSet subscriptions() {
        return subscriptions;
    }

    void start() {
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> onBinary());
        ws.pongHandler(b -> missedPongs = 0);
        ws.exceptionHandler(this::onSocketError);
        ws.closeHandler(v -> onClosed());
        shard.attach(this);
        services.metrics().connectionOpened();
        log.info("connection {} opened: user={} client_id={} remote={} batch={} compression={}", id, principal.userId(),
                options.clientId(), ws.remoteAddress(), options.batch(), options.compressionName());
        reply(ServerMessage.WELCOME, welcome(), null);
        token.start(n -> reply(ServerMessage.NOTICE, n, null),
                () -> close(CloseCode.TOKEN_EXPIRED, CloseCode.TOKEN_EXPIRED.reason()));
    }

    private Welcome welcome() {
        var d = services.config().delivery();
        var w = services.config().websocket();
        return new Welcome(id, principal.userId(), Welcome.PROTOCOL_VERSION, services.version(), services.nodeId(),
                new Welcome.Capabilities(EventType.WIRE_NAMES, true, true, true, true, true, true),
                new Welcome.Limits(w.maxMessageBytes(), w.maxSubscriptions(), d.rateLimitTokens(),
                        d.rateLimitRefillPerSecond(), w.inboundMessagesPerSecond(), w.inboundBurst()),
                new Welcome.Options(options.batch(), options.compressionName(), options.clientId()));
    }

    // ---------------------------------------------------------------- inbound

    private void onText(String text) {
        if (closing) {
            return;
        }
        missedPongs = 0;
        messagesReceived++;
        if (utf8Length(text) > limits.maxMessageBytes()) {
            tooLarge();
            return;
        }
        if (!admitted()) {
            return;
        }
        if (busy) {
            if (inbox == null) {
                inbox = new ArrayDeque<>();
            }
            if (inbox.size() >= MAX_INBOX) {
                replyError(new ProtocolException(ErrorCode.RATE_LIMITED,
                        "too many messages waiting for an earlier request to finish", Map.of("retry_after_ms", 100)));
                return;
            }
            inbox.add(text);
            return;
        }
        handle(text);
    }

    private void drainInbox() {
        while (!busy && !closing && inbox != null && !inbox.isEmpty()) {
            handle(inbox.poll());
        }
    }

    private void handle(String text) {
        ClientMessage message;
        try {
            message = ClientMessageDecoder.decode(text);
        } catch (ProtocolException e) {
            services.metrics().messageReceived("invalid");
            replyError(e);
            return;
        }
        services.metrics().messageReceived(message.action().wire());
        try {
            dispatch(message);
        } catch (ProtocolException e) {
            replyError(e.forRequest(message.action().wire(), message.correlationId()));
        } catch (RuntimeException e) {
            log.error("connection {}: {} failed", id, message.action().wire(), e);
            services.metrics().error("INTERNAL_ERROR", "connection");
            replyError(new ProtocolException(ErrorCode.INTERNAL_ERROR,
                    "internal error handling " + message.action().wire() + " (logged as connection " + id + ")")
                    .forRequest(message.action().wire(), message.correlationId()));
        }
    }

    private void dispatch(ClientMessage message) {
        switch (message.action()) {
            case SUBSCRIBE -> subscribe((Subscribe) message);
            case UNSUBSCRIBE -> unsubscribe((Unsubscribe) message);
            case SET_PREFERENCES -> setPreferences((SetPreferences) message);
            case REPLAY -> replay((Replay) message);
            case PING -> pong((Ping) message);
            case GET_STATS -> reply(ServerMessage.STATS, stats(), ((GetStats) message).correlationId());
            case REFRESH -> refresh((Refresh) message);
        }
    }

    /** The inbound rate limit: false (after replying RATE_LIMITED, maybe closing 4029) when the message is refused. */
    private boolean admitted() {
        InboundLimiter.Decision d = inbound.onMessage();
        if (d.verdict() == InboundLimiter.Verdict.ACCEPT) {
            return true;
        }
        services.metrics().rateLimitViolations("inbound").increment();
        services.metrics().messageReceived("rate_limited");
        long retry = Math.max(1, d.retryAfterMillis());
        replyError(new ProtocolException(ErrorCode.RATE_LIMITED,
                "too many messages: at most " + limits.inboundMessagesPerSecond() + " per second (burst "
                        + limits.inboundBurst() + "); this one was not processed", Map.of("retry_after_ms", retry)));
        if (d.verdict() == InboundLimiter.Verdict.CLOSE) {
            log.warn("connection {}: sustained inbound rate-limit abuse, closing with 4029", id);
            close(CloseCode.LIMIT_REACHED, "repeated rate-limit abuse");
        }
        return false;
    }

    private void onBinary() {
        if (closing) {
            return;
        }
        messagesReceived++;
        if (!admitted()) {
            return;
        }
        services.metrics().messageReceived("invalid");
        replyError(new ProtocolException(ErrorCode.INVALID_MESSAGE,
                "binary frames are not accepted; send each message as a JSON text frame"));
    }

    private void tooLarge() {
        services.metrics().messageReceived("invalid");
        replyError(new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
                "message larger than " + limits.maxMessageBytes() + " bytes",
                Map.of("max_message_bytes", limits.maxMessageBytes())));
        close(CloseCode.MESSAGE_TOO_BIG, "message larger than " + limits.maxMessageBytes() + " bytes");
    }

    private void onSocketError(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (m.startsWith("Cannot process text frame") || m.startsWith("Cannot process binary frame")) {
            tooLarge();
            return;
        }
        log.debug("connection {}: socket error: {}", id, m);
    }

    // ---------------------------------------------------------------- actions

    private void subscribe(Subscribe m) {
        if (subscriptions.size() >= limits.maxSubscriptions()) {
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
                    "at most " + limits.maxSubscriptions() + " subscriptions per connection",
                    Map.of("max_subscriptions", limits.maxSubscriptions()));
        }
        if (m.projectId() != null && !principal.canRead(m.projectId())) {
            throw forbidden(m.projectId());
        }
        checkRules(m.filters(), "filters");
        String subscriptionId = m.subscriptionId();
        if (subscriptionId != null && subscriptions.find(subscriptionId) != null) {
            throw ProtocolException.invalidField("subscription_id",
                    "'" + subscriptionId + "' is already in use on this connection; unsubscribe it first");
        }
        if (subscriptionId == null) {
            do {
                subscriptionId = "sub-" + (++subscriptionSeq);
            } while (subscriptions.find(subscriptionId) != null);
        }
        Subscription s = new Subscription(subscriptionId, m.eventTypes(), m.projectId(), m.sessionId(), m.filters());
        SubscriptionAck ack = SubscriptionAck.subscribed(s.id(), s.typeList(), s.projectId(), s.sessionId(), s.filters());
        if (m.projectId() == null) {
            shard.subscribe(this, s);
            reply(ServerMessage.SUBSCRIPTION_ACK, ack, m.correlationId());
            return;
        }
        hold = new Hold(m.projectId());
        shard.subscribe(this, s);
        busy = true;
        Future<Positioned> positioned = m.resumes() ? readMissed(s, m)
                : services.history().position(m.projectId()).map(head -> new Positioned(head, null, null, List.of()));
        onLoop(positioned, ar -> {
            if (closing) {
                return;
            }
            List<StoredEvent> missed = List.of();
            if (ar.succeeded()) {
                Positioned p = ar.result();
                if (p.recovered() != null) {
                    services.metrics().resumes(p.recovered() ? "recovered" : p.reason()).increment();
                }
                reply(ServerMessage.SUBSCRIPTION_ACK,
                        ack.withRecovery(p.recovered(), p.reason(), p.head().epoch(), p.head().offset()), m.correlationId());
                missed = p.missed();
            } else if (m.resumes()) {
                services.metrics().resumes("unavailable").increment();
                shard.unsubscribe(this, s);
                replyError(unavailable(ar.cause()).forRequest(Action.SUBSCRIBE.wire(), m.correlationId()));
            } else {
                log.warn("connection {}: stream position of {} unavailable: {}", id, m.projectId(), ar.cause().toString());
                reply(ServerMessage.SUBSCRIPTION_ACK, ack, m.correlationId());
            }
            releaseHold(s, missed);
            busy = false;
            drainInbox();
        });
    }

    private Future<Positioned> readMissed(Subscription s, Subscribe m) {
        int max = limits.resumeMaxEvents();
        if (m.sinceOffset() != null) {
            long since = m.sinceOffset();
            return services.history().read(ReadRequest.afterOffset(m.projectId(), since, s.types(), max)).map(r -> {
                StreamPosition head = r.head();
                if ((m.epoch() != null && !m.epoch().equals(head.epoch())) || since > head.offset()) {
                    return new Positioned(head, false, "epoch_changed", List.of());
                }
                if (head.offset() - since > max) {
                    return new Positioned(head, false, "too_many", List.of());
                }
                if (!r.completeAfter(since)) {
                    return new Positioned(head, false, "history_expired", List.of());
                }
                return new Positioned(head, true, null, inScope(s, r));
            });
        }
        Instant since = m.since();
        return services.history().read(ReadRequest.afterTime(m.projectId(), since, s.types(), max)).map(r -> {
            if (r.hasMore()) {
                return new Positioned(r.head(), false, "too_many", List.of());
            }
            if (!r.completeAfter(since)) {
                return new Positioned(r.head(), false, "history_expired", List.of());
            }
            return new Positioned(r.head(), true, null, inScope(s, r));
        });
    }

    private static List<StoredEvent> inScope(Subscription s, ReadResult r) {
        List<StoredEvent> out = new ArrayList<>(r.events().size());
        for (StoredEvent e : r.events()) {
            if (s.inScope(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Sends the missed events of {@code resumed} and the held live events merged by offset (an
     * offset in both is sent once), each filtered in that order — so progress thresholds see
     * events in stream order — then lets live events flow.
     */
    private void releaseHold(Subscription resumed, List<StoredEvent> missed) {
        Hold h = hold;
        hold = null;
        if (h == null) {
            return;
        }
        List<Held> live = h.events;
        int i = 0;
        int j = 0;
        while (i < missed.size() || j < live.size()) {
            long mo = i < missed.size() ? missed.get(i).offset() : Long.MAX_VALUE;
            long lo = j < live.size() ? live.get(j).event().offset() : Long.MAX_VALUE;
            if (lo <= mo) {
                Held held = live.get(j++);
                if (lo == mo) {
                    i++;
                }
                FilterDecision d = subscriptions.evaluate(held.event(), held.facts(), held.global());
                send(held.event(), d, lo == mo);
            } else {
                StoredEvent e = missed.get(i++);
                EventFacts facts = shard.facts(e);
                send(e, subscriptions.evaluate(resumed, e, facts, shard.globalDecision(facts)), true);
            }
        }
    }

    private void send(StoredEvent e, FilterDecision d, boolean replay) {
        if (d == null) {
            return;
        }
        if (!d.passed()) {
            countFiltered(d);
        } else if (replay) {
            sendReplayed(e);
        } else {
            sendLive(e);
        }
    }

    private void countFiltered(FilterDecision d) {
        filtered.record(d);
        services.metrics().filtered(d.reason()).increment();
    }

    private void unsubscribe(Unsubscribe m) {
        if (m.subscriptionId() != null) {
            Subscription s = subscriptions.find(m.subscriptionId());
            if (s == null) {
                throw ProtocolException.invalidField("subscription_id",
                        "'" + m.subscriptionId() + "' is not a subscription of this connection");
            }
            shard.unsubscribe(this, s);
            outbound.withdrawLive(e -> !subscriptions.matches(e));
            reply(ServerMessage.SUBSCRIPTION_ACK, SubscriptionAck.unsubscribed(List.of(s.id()), null, null),
                    m.correlationId());
            return;
        }
        List<String> affected = shard.narrow(this, m.projectId(), m.eventTypes());
        outbound.withdrawLive(e -> !subscriptions.matches(e));
        reply(ServerMessage.SUBSCRIPTION_ACK, SubscriptionAck.unsubscribed(affected, m.projectId(),
                m.eventTypes().isEmpty() ? null : List.copyOf(m.eventTypes())), m.correlationId());
    }

    /** Rules the protocol accepts but that can never hold (e.g. ordering on text) are refused here, naming the rule. */
    private static void checkRules(FilterSpec spec, String path) {
        for (int i = 0; i < spec.rules().size(); i++) {
            String problem = CompiledRule.problem(spec.rules().get(i));
            if (problem != null) {
                throw ProtocolException.invalidField(path + ".rules[" + i + "]", problem);
            }
        }
    }

    private void setPreferences(SetPreferences m) {
        checkRules(m.preferences(), "preferences");
        shard.setPreferences(this, m.preferences());
        reply(ServerMessage.PREFERENCES_ACK, new PreferencesAck("success", m.preferences()), m.correlationId());
    }

    private void replay(Replay m) {
        if (!principal.canRead(m.projectId())) {
            throw forbidden(m.projectId());
        }
        ReadRequest request = m.sinceOffset() != null
                ? ReadRequest.afterOffset(m.projectId(), m.sinceOffset(), m.eventTypes(), m.maxEvents())
                : m.since() != null ? ReadRequest.afterTime(m.projectId(), m.since(), m.eventTypes(), m.maxEvents())
                : ReadRequest.fromStart(m.projectId(), m.eventTypes(), m.maxEvents());
        busy = true;
        onLoop(services.history().read(request), ar -> {
            if (closing) {
                return;
            }
            if (ar.failed()) {
                services.metrics().replays("unavailable").increment();
                replyError(unavailable(ar.cause()).forRequest(Action.REPLAY.wire(), m.correlationId()));
            } else {
                completeReplay(m, ar.result());
            }
            busy = false;
            drainInbox();
        });
    }

    private void completeReplay(Replay m, ReadResult r) {
        StreamPosition head = r.head();
        if (m.epoch() != null && !m.epoch().equals(head.epoch())) {
            services.metrics().replays("epoch_changed").increment();
            reply(ServerMessage.REPLAY_COMPLETE, new ReplayComplete(m.projectId(), 0, null, null, head.epoch(), false,
                    false, "epoch_changed"), m.correlationId());
            return;
        }
        boolean recovered = m.sinceOffset() != null ? r.completeAfter(m.sinceOffset())
                : m.since() != null ? r.completeAfter(m.since()) : r.removedThrough() == 0;
        for (StoredEvent e : r.events()) {
            sendReplayed(e);
        }
        services.metrics().replays(recovered ? "complete" : "history_expired").increment();
        List<StoredEvent> events = r.events();
        Long from = events.isEmpty() ? null : events.get(0).offset();
        Long to = events.isEmpty() ? null : events.get(events.size() - 1).offset();
        reply(ServerMessage.REPLAY_COMPLETE, new ReplayComplete(m.projectId(), events.size(), from, to, head.epoch(),
                r.hasMore(), recovered, recovered ? null : "history_expired"), m.correlationId());
    }

    private void pong(Ping m) {
        reply(ServerMessage.PONG, new Pong(health(), Timestamps.format(services.clock().now())), m.correlationId());
    }

    private void refresh(Refresh m) {
        principal = token.refresh(m.token());
        reply(ServerMessage.REFRESH_ACK, token.ack(), m.correlationId());
    }

    private Map<String, Object> stats() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("connection_id", id);
        s.put("user_id", principal.userId());
        s.put("client_id", options.clientId());
        s.put("node_id", services.nodeId());
        s.put("connected_at", Timestamps.format(connectedAt));
        s.put("uptime_seconds", ageNanos() / 1_000_000_000L);
        s.put("subscriptions", subscriptions.all().stream().map(Subscription::id).toList());
        DeliveryStats d = outbound.stats();
        s.put("messages_received", messagesReceived);
        s.put("messages_rate_limited", inbound.rejected());
        s.put("messages_sent", d.controlSent());
        s.put("errors_sent", errorsSent);
        s.put("events_delivered", d.eventsSent());
        s.put("events_replayed", d.replaySent());
        s.put("events_filtered", filtered.total());
        s.put("events_filtered_by_reason", filtered.byReason());
        s.put("events_conflated", d.conflated());
        s.put("events_rate_limited", d.rateLimitedEvents());
        s.put("frames_sent", d.framesSent());
        s.put("batches_sent", d.batchesSent());
        s.put("compressed_frames", d.compressedFrames());
        s.put("compression_saved_bytes", d.compressionSavedBytes());
        s.put("bytes_sent", d.bytesSent());
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("frames", outbound.queuedFrames());
        queue.put("live_events", outbound.queuedLiveEvents());
        queue.put("live_bytes", outbound.queuedLiveBytes());
        queue.put("replay_events", outbound.queuedReplayEvents());
        queue.put("replay_bytes", outbound.queuedReplayBytes());
        queue.put("rate_limited", outbound.rateLimited());
        s.put("queue", queue);
        s.put("average_write_latency_ms", outbound.healthInputs().averageLatencyMillis());
        s.put("rate_limit_violations", outbound.healthInputs().violations());
        s.put("connection_health", health());
        return s;
    }

    /** This connection for the monitoring API ({@code GET /websocket/connections}). */
    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("connection_id", id);
        d.put("user_id", principal.userId());
        d.put("client_id", options.clientId());
        d.put("remote_address", String.valueOf(ws.remoteAddress()));
        d.put("connected_at", Timestamps.format(connectedAt));
        List<Map<String, Object>> subs = new ArrayList<>();
        for (Subscription s : subscriptions.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subscription_id", s.id());
            m.put("project_id", s.projectId() == null ? null : s.projectId().toString());
            m.put("event_types", s.typeList());
            subs.add(m);
        }
        d.put("subscriptions", subs);
        d.put("events_delivered", outbound.stats().eventsSent());
        d.put("events_replayed", outbound.stats().replaySent());
        d.put("events_filtered", filtered.total());
        d.put("messages_received", messagesReceived);
        d.put("queued_frames", outbound.queuedFrames());
        double h = health();
        d.put("health_score", h);
        d.put("health_status", h > 0.8 ? "healthy" : h > 0.5 ? "degraded" : "poor");
        return d;
    }

    /** This connection's outbound queue for {@code GET /websocket/queue/status}. */
    Map<String, Object> queueStatus() {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("connection_id", id);
        q.put("queued_frames", outbound.queuedFrames());
        q.put("queued_live_events", outbound.queuedLiveEvents());
        q.put("queued_live_bytes", outbound.queuedLiveBytes());
        q.put("queued_replay_events", outbound.queuedReplayEvents());
        q.put("rate_limited", outbound.rateLimited());
        return q;
    }

    public double health() {
        return outbound.health();
    }

    private long ageNanos() {
        return services.clock().nanoTime() - connectedNanos;
    }

    // ---------------------------------------------------------------- outbound

    @Override
    public void deliverLive(StoredEvent event, EventFacts facts, FilterDecision global) {
        if (closing || !principal.canRead(event.projectId())) {
            return;
        }
        Hold h = hold;
        if (h != null && h.projectId.equals(event.projectId())) {
            h.events.add(new Held(event, facts, global));
            if (h.events.size() > services.config().delivery().connectionQueueEvents()) {
                closeSlowConsumer(h.events.size() + " live events held while the subscription was positioned");
            }
            return;
        }
        send(event, subscriptions.evaluate(event, facts, global), false);
    }

    private void sendLive(StoredEvent e) {
        services.metrics().delivered(e.type()).increment();
        OutboundQueue.Offer offer = outbound.offerLive(e);
        if (offer == OutboundQueue.Offer.RATE_LIMITED) {
            services.metrics().rateLimitViolations("outbound").increment();
            log.info("connection {}: outbound rate limit reached ({} events, {}/s); live events wait and progress"
                    + " is conflated", id, services.config().delivery().rateLimitTokens(),
                    services.config().delivery().rateLimitRefillPerSecond());
        } else if (offer == OutboundQueue.Offer.CONFLATED) {
            services.metrics().filtered("conflated").increment();
        }
    }

    private void sendReplayed(StoredEvent e) {
        services.metrics().replayed(e.type()).increment();
        outbound.offerReplay(e);
    }

    private void reply(String type, Object data, String correlationId) {
        ServerMessage m = new ServerMessage(type, data, Timestamps.format(services.clock().now()), correlationId);
        outbound.offerControl(Json.writeBytes(m));
    }

    private void replyError(ProtocolException e) {
        errorsSent++;
        if (e.code() == ErrorCode.FORBIDDEN) {
            token.forbidden(e);
        }
        services.metrics().error(e.code().wire(), "websocket");
        Map<String, Object> details = e.details().isEmpty() ? null : e.details();
        reply(ServerMessage.ERROR, new ErrorData(e.code().wire(), e.getMessage(), details, e.action()), e.correlationId());
    }

    private static ProtocolException forbidden(UUID projectId) {
        return new ProtocolException(ErrorCode.FORBIDDEN, "not allowed to read project " + projectId,
                Map.of("project_id", projectId.toString()));
    }

    private ProtocolException unavailable(Throwable cause) {
        Duration retry = cause instanceof HistoryUnavailableException h ? h.retryAfter() : Duration.ofSeconds(1);
        log.warn("connection {}: history unavailable: {}", id, cause.toString());
        return new ProtocolException(ErrorCode.REPLAY_UNAVAILABLE, "event history is unavailable; retry later",
                Map.of("retry_after_ms", retry.toMillis()));
    }

    @Override
    public boolean writeQueueFull() {
        return !closing && !ws.isClosed() && ws.writeQueueFull();
    }

    @Override
    public void requestDrain() {
        ws.drainHandler(v -> {
            ws.drainHandler(null);
            outbound.onDrain();
        });
    }

    @Override
    public void requestTimer(long delayNanos) {
        long ms = Math.max(1, (delayNanos + 999_999) / 1_000_000);
        context.owner().setTimer(ms, id -> outbound.onTimer());
    }

    @Override
    public void write(OutboundFrame frame) {
        if (ws.isClosed()) {
            outbound.onWritten(frame, false);
            return;
        }
        if (frame.batch()) {
            services.metrics().batchSize().record(frame.events());
        }
        if (frame.binary()) {
            services.metrics().compressionRatio().record((double) frame.bytes().length / frame.jsonBytes());
        }
        Future<Void> f = ws.writeFrame(frame.binary() ? Frames.binary(frame.bytes()) : Frames.text(frame.bytes()));
        f.onComplete(ar -> {
            outbound.onWritten(frame, ar.succeeded());
            services.metrics().messagesSent(ar.succeeded() ? "sent" : "failed").increment();
            StoredEvent first = frame.first();
            if (ar.succeeded() && first != null && frame.kind() == OutboundFrame.Kind.LIVE) {
                long millis = Math.max(0, services.clock().millis() - first.timestamp().toEpochMilli());
                Timer timer = services.metrics().deliveryDuration(first.type());
                for (int i = 0; i < frame.events(); i++) {
                    timer.record(millis, TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    @Override
    public void closeSlowConsumer(String detail) {
        log.warn("connection {}: slow consumer, closing with 4008: {}", id, detail);
        services.metrics().error("slow_consumer", "delivery");
        close(CloseCode.SLOW_CONSUMER, CloseCode.SLOW_CONSUMER.reason());
    }

    // ---------------------------------------------------------------- lifecycle

    /** Called by the shard's ping timer. */
    void pingTick() {
        if (closing) {
            return;
        }
        if (missedPongs >= 2) {
            close(CloseCode.PING_TIMEOUT, CloseCode.PING_TIMEOUT.reason());
            return;
        }
        missedPongs++;
        if (!ws.isClosed()) {
            ws.writePing(PING_PAYLOAD);
        }
    }

    /** Graceful shutdown: a {@code notice}, everything queued, then close 1001. */
    void shutdown() {
        if (closing) {
            return;
        }
        reply(ServerMessage.NOTICE, new Notice(Notice.SHUTDOWN, "server shutting down; reconnect and resume", 1000L), null);
        closeWhenFlushed(SHUTDOWN_FLUSH_MILLIS);
    }

    /** Closes with 1001 once everything queued (the notice last) is written, or after {@code millisLeft}. */
    private void closeWhenFlushed(long millisLeft) {
        if (closing) {
            return;
        }
        if (outbound.queuedFrames() == 0 || millisLeft <= 0) {
            close(CloseCode.GOING_AWAY, CloseCode.GOING_AWAY.reason());
        } else {
            context.owner().setTimer(20, id -> closeWhenFlushed(millisLeft - 20));
        }
    }

    /** The one way this side ends the connection; idempotent. */
    void close(CloseCode code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        closeCode = code;
        closeReason = reason;
        outbound.close();
        if (!ws.isClosed()) {
            ws.close((short) code.code(), truncate(reason));
        }
    }

    private void onClosed() {
        boolean initiatedHere = closing;
        closing = true;
        outbound.close();
        hold = null;
        shard.detach(this);
        token.closed();
        services.connectionSlots().decrementAndGet();
        Duration open = Duration.ofNanos(ageNanos());
        int code = closeCode != null ? closeCode.code() : ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode();
        String reason = initiatedHere ? closeReason : ws.closeReason() == null ? "closed by client" : ws.closeReason();
        services.metrics().connectionClosed(open, code);
        log.info("connection {} closed: code={} reason=\"{}\" by={} duration={}ms delivered={} replayed={} received={}",
                id, code, reason, initiatedHere ? "server" : "client", open.toMillis(), outbound.stats().eventsSent(),
                outbound.stats().replaySent(), messagesReceived);
    }

    boolean isOpen() {
        return !closing;
    }

    private <T> void onLoop(Future<T> future, Handler<AsyncResult<T>> handler) {
        Loops.on(context, future).onComplete(handler);
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        return b.length <= 120 ? reason : new String(b, 0, 120, StandardCharsets.UTF_8);
    }
}
