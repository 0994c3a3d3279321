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
import io.projectindex.hub.server.delivery.InboundLimiter;
import io.projectindex.hub.server.delivery.OutboundQueue;
import io.projectindex.hub.server.filter.CompiledRule;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterCounts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.hub.LiveHold;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.hub.StreamReset;
import io.projectindex.hub.server.hub.Subscriber;
import io.projectindex.hub.server.hub.Subscription;
import io.projectindex.hub.server.hub.SubscriptionSet;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.transport.StreamPositioning.Positioned;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One WebSocket connection: decodes client messages, answers each with exactly one reply, keeps
 * the connection's subscriptions, and writes events through its {@link OutboundQueue}.
 *
 * <p>Design note. Confined to the event loop of its {@link Shard}; every field is touched only
 * there. Replies go out in request order: while a request waits on history (subscribe with a
 * project, replay), later messages wait in its {@link RequestQueue}. A project-scoped subscribe registers the
 * subscription first, holds that project's live events for this connection, reads the stream
 * position (and for a resume the missed events), sends the ack, then the missed events and the
 * held live events merged by offset without duplicates — so there is no gap and no duplicate at
 * the seam. The connection fails through one idempotent {@link #close(CloseCode, String)}.
 */
public final class Connection implements Subscriber, LoopMember {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
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
    private final RequestQueue requests;

    private LiveHold hold;
    private int subscriptionSeq;
    private int missedPongs;
    private boolean closing;
    private CloseCode closeCode;
    private String closeReason;
    private long messagesReceived;
    private long errorsSent;
    private final FilterCounts filtered = new FilterCounts();

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
        WebSocketSink sink = new WebSocketSink(ws, context, services, () -> closing, this::trackDelivery,
                this::slowConsumer);
        this.outbound = new OutboundQueue(sink, services.clock(),
                DeliveryPolicy.of(services.config().delivery(), options.batch(), options.gzip())
                        .withView(services.redaction().view(principal)), services.queueBudget(), connectedNanos);
        sink.attach(outbound);
        this.requests = new RequestQueue(InboundLimiter.of(limits, services.clock()), requestHandler());
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
        ws.frameHandler(new InboundMessages(limits.maxMessageBytes(), new InboundMessages.Listener() {
            @Override
            public void onText(String text) {
                Connection.this.onText(text);
            }

            @Override
            public void onBinary() {
                Connection.this.onBinary();
            }

            @Override
            public void onInvalidUtf8() {
                invalidUtf8();
            }

            @Override
            public void onTooLarge() {
                if (!closing) {
                    messagesReceived++;
                    tooLarge();
                }
            }
        }));
        ws.pongHandler(b -> missedPongs = 0);
        ws.exceptionHandler(this::onSocketError);
        ws.closeHandler(v -> onClosed());
        shard.attach(this);
        services.metrics().connectionOpened();
        log.info("connection {} opened: user={} client_id={} remote={} batch={} compression={}", id, principal.userId(),
                options.clientId(), ws.remoteAddress(), options.batch(), options.compressionName());
        reply(ServerMessage.WELCOME, welcome(), null);
        presenceChanged();
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
        requests.offer(text);
    }

    /** Client messages in order: admitted ones are handled, refused ones answered RATE_LIMITED, in turn. */
    private RequestQueue.Handler requestHandler() {
        return new RequestQueue.Handler() {
            @Override
            public void handle(String text) {
                Connection.this.handle(text);
            }

            @Override
            public void binary() {
                services.metrics().messageReceived("invalid");
                replyError(new ProtocolException(ErrorCode.INVALID_MESSAGE,
                        "binary frames are not accepted; send each message as a JSON text frame"));
            }

            @Override
            public void refused(InboundLimiter.Decision decision, String correlationId) {
                rateLimited(decision, correlationId);
            }

            @Override
            public void overflow() {
                log.warn("connection {}: {} messages waiting behind an earlier request, closing with 4029", id,
                        RequestQueue.MAX_WAITING);
                services.metrics().rateLimitViolations("inbound").increment();
                close(CloseCode.LIMIT_REACHED, "too many messages waiting for an earlier request");
            }

            @Override
            public boolean closing() {
                return closing;
            }
        };
    }

    private void handle(String text) {
        ClientMessage message;
        try {
            message = ClientMessageDecoder.decode(text);
        } catch (ProtocolException e) {
            services.metrics().messageReceived("invalid");
            replyError(e);
            return;
        } catch (RuntimeException e) {
            // A decoder bug must still get its reply (every message gets exactly one).
            log.error("connection {}: decoding a message failed", id, e);
            services.metrics().error("INTERNAL_ERROR", "connection");
            replyError(new ProtocolException(ErrorCode.INTERNAL_ERROR,
                    "internal error reading the message (logged as connection " + id + ")"));
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

    /** Replies RATE_LIMITED to a message the inbound limit refused (and closes 4029 on sustained abuse). */
    private void rateLimited(InboundLimiter.Decision d, String correlationId) {
        services.metrics().rateLimitViolations("inbound").increment();
        services.metrics().messageReceived("rate_limited");
        long retry = Math.max(1, d.retryAfterMillis());
        replyError(new ProtocolException(ErrorCode.RATE_LIMITED,
                "too many messages: at most " + limits.inboundMessagesPerSecond() + " per second (burst "
                        + limits.inboundBurst() + "); this one was not processed", Map.of("retry_after_ms", retry))
                .forRequest(null, correlationId));
        if (d.verdict() == InboundLimiter.Verdict.CLOSE) {
            log.warn("connection {}: sustained inbound rate-limit abuse, closing with 4029", id);
            close(CloseCode.LIMIT_REACHED, "repeated rate-limit abuse");
        }
    }

    private void onBinary() {
        if (closing) {
            return;
        }
        messagesReceived++;
        requests.offer(null);
    }

    private void tooLarge() {
        services.metrics().messageReceived("invalid");
        replyError(new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
                "message larger than " + limits.maxMessageBytes() + " bytes",
                Map.of("max_message_bytes", limits.maxMessageBytes())));
        close(CloseCode.MESSAGE_TOO_BIG, "message larger than " + limits.maxMessageBytes() + " bytes");
    }

    /** RFC 6455 §8.1: a text message that is not UTF-8 fails the connection with 1007, without a reply. */
    private void invalidUtf8() {
        if (closing) {
            return;
        }
        messagesReceived++;
        services.metrics().messageReceived("invalid");
        services.metrics().error("invalid_utf8", "websocket");
        log.info("connection {}: text message is not valid UTF-8, closing with 1007", id);
        close(CloseCode.INVALID_PAYLOAD, CloseCode.INVALID_PAYLOAD.reason());
    }

    private void onSocketError(Throwable t) {
        if (t instanceof CorruptedWebSocketFrameException e) {
            // FramingErrors has written the close frame; the channel is closing. Record it as ours.
            if (!closing) {
                closing = true;
                closeCode = CloseCode.fromCode(e.closeStatus().code()).orElse(CloseCode.PROTOCOL_ERROR);
                closeReason = String.valueOf(e.getMessage());
                outbound.close();
                services.metrics().messageReceived("invalid");
                services.metrics().error("framing", "websocket");
                log.info("connection {}: WebSocket framing error, closed with {}: {}", id, closeCode.code(), closeReason);
            }
            return;
        }
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
            presenceChanged();
            reply(ServerMessage.SUBSCRIPTION_ACK, ack, m.correlationId());
            return;
        }
        hold = new LiveHold(m.projectId(), !subscriptions.listensTo(m.projectId()) && !subscriptions.hasWildcard());
        shard.subscribe(this, s);
        presenceChanged();
        requests.hold();
        Future<Positioned> read = !m.resumes() ? StreamPositioning.head(services.history(), m.projectId())
                : m.sinceOffset() != null
                ? StreamPositioning.afterOffset(services.history(), s, m.sinceOffset(), m.epoch(), limits.resumeMaxEvents())
                : StreamPositioning.afterTime(services.history(), s, m.since(), limits.resumeMaxEvents());
        // Multi-node: the node's sequence of the project must reach back to this position before
        // the held live events are released (Hub#observed).
        Future<Positioned> positioned = read.compose(p -> Future.fromCompletionStage(
                services.hub().observed(m.projectId(), p.head())).otherwiseEmpty().map(p));
        onLoop(positioned, ar -> {
            if (closing) {
                return;
            }
            List<StoredEvent> missed = List.of();
            StreamPosition startsAfter = null;
            if (ar.succeeded()) {
                Positioned p = ar.result();
                if (!Boolean.TRUE.equals(p.recovered())) {
                    // No missed events are sent: the client starts at the acknowledged position.
                    startsAfter = p.head();
                }
                if (p.recovered() != null) {
                    services.metrics().resumes(p.recovered() ? "recovered" : p.reason()).increment();
                }
                reply(ServerMessage.SUBSCRIPTION_ACK,
                        ack.withRecovery(p.recovered(), p.reason(), p.head().epoch(), p.head().offset()), m.correlationId());
                missed = p.missed();
            } else if (m.resumes()) {
                services.metrics().resumes("unavailable").increment();
                shard.unsubscribe(this, s);
                presenceChanged();
                replyError(unavailable(ar.cause()).forRequest(Action.SUBSCRIBE.wire(), m.correlationId()));
            } else {
                log.warn("connection {}: stream position of {} unavailable: {}", id, m.projectId(), ar.cause().toString());
                reply(ServerMessage.SUBSCRIPTION_ACK, ack, m.correlationId());
            }
            releaseHold(s, missed, startsAfter);
            requests.release();
        });
    }

    /**
     * Sends the missed events and the held live events across the seam, then lets live events flow;
     * {@code startsAfter} (when nothing old is sent) drops held events the client starts after.
     */
    private void releaseHold(Subscription resumed, List<StoredEvent> missed, StreamPosition startsAfter) {
        LiveHold h = hold;
        hold = null;
        if (h != null) {
            h.release(subscriptions, shard, resumed, missed, startsAfter, this::send);
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
            presenceChanged();
            outbound.withdrawLive(e -> !subscriptions.matches(e));
            reply(ServerMessage.SUBSCRIPTION_ACK, SubscriptionAck.unsubscribed(List.of(s.id()), null, null),
                    m.correlationId());
            return;
        }
        List<String> affected = shard.narrow(this, m.projectId(), m.eventTypes());
        presenceChanged();
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
        if (m.excludeDelivered()) {
            request = request.excludingDeliveredTo(options.clientId());
        }
        requests.hold();
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
            requests.release();
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
        outbound.view(services.redaction().view(principal));
        reply(ServerMessage.REFRESH_ACK, token.ack(), m.correlationId());
    }

    private ClientReports.Identity identity() {
        return new ClientReports.Identity(id, "websocket", principal, options.clientId(), ws.remoteAddress(), connectedAt);
    }

    private Map<String, Object> stats() {
        return ClientReports.stats(identity(), services.nodeId(), ageNanos() / 1_000_000_000L, subscriptions.all(),
                outbound, filtered, messagesReceived, requests.refused(), errorsSent);
    }

    @Override
    public Map<String, Object> describe() {
        return ClientReports.describe(identity(), subscriptions.all(), outbound, filtered, messagesReceived);
    }

    /** Updates this connection's presence record (shared across nodes in multi-node mode). */
    private void presenceChanged() {
        services.cluster().presence().put(id, ClientReports.presence(identity(), services.nodeId(), subscriptions.all()));
    }

    @Override
    public Map<String, Object> queueStatus() {
        return ClientReports.queueStatus(id, "websocket", outbound);
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
        LiveHold h = hold;
        if (h != null && h.holds(event)) {
            int held = h.add(event, facts, global);
            if (held > services.config().delivery().connectionQueueEvents()) {
                slowConsumer(held + " live events held while the subscription was positioned");
            }
            return;
        }
        send(event, subscriptions.evaluate(event, facts, global), false);
    }

    /**
     * A hole or a new epoch in a project's live stream on this node (multi-node operation). A
     * connection with a subscription of that project is closed with 4010: it resumes from the last
     * event it received, and the resume says exactly what was lost (queued frames would otherwise
     * race a notice). A connection that only listens to every project cannot resume by position;
     * it gets a {@code stream_reset} notice.
     */
    @Override
    public void streamReset(StreamReset reset) {
        if (closing || !principal.canRead(reset.projectId())) {
            return;
        }
        LiveHold h = hold;
        if (subscriptions.listensTo(reset.projectId()) || (h != null && h.projectId().equals(reset.projectId()))) {
            log.info("connection {}: stream of project {} reset ({}, continues after {}:{}); closing with 4010 so it"
                    + " resumes", id, reset.projectId(), reset.reason(), reset.position().epoch(), reset.position().offset());
            services.metrics().error("stream_reset", "delivery");
            close(CloseCode.STREAM_RESET, "stream reset (" + reset.reason() + "): resume from your last offset");
            return;
        }
        reply(ServerMessage.NOTICE, Notice.streamReset(reset.projectId().toString(), reset.reason(),
                reset.position().epoch(), reset.position().offset()), null);
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

    /**
     * Delivery tracking (client_delivered by the stable client_id, replay_count): recorded once an
     * event has been written to this connection's socket; the store batches the marks off the hot
     * path.
     */
    private void trackDelivery(StoredEvent e, boolean replayed) {
        if (replayed || options.clientId() != null) {
            services.history().markDelivered(options.clientId(), List.of(e.id()), replayed);
        }
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

    /** The queue overflowed: close as a slow consumer; the client resumes from its last offset. */
    private void slowConsumer(String detail) {
        log.warn("connection {}: slow consumer, closing with 4008: {}", id, detail);
        services.metrics().error("slow_consumer", "delivery");
        close(CloseCode.SLOW_CONSUMER, CloseCode.SLOW_CONSUMER.reason());
    }

    // ---------------------------------------------------------------- lifecycle

    /** Called by the shard's ping timer. */
    @Override
    public void pingTick() {
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
    @Override
    public void shutdown() {
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
        services.cluster().presence().remove(id);
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

    @Override
    public boolean isStream() {
        return false;
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
