package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.CloseCode;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.protocol.message.Notice;
import io.projectindex.hub.protocol.message.Pong;
import io.projectindex.hub.protocol.message.ReplayComplete;
import io.projectindex.hub.protocol.message.ServerMessage;
import io.projectindex.hub.protocol.message.Welcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A client of the Project Index Event Hub: one WebSocket connection for subscriptions, replay and
 * requests, HTTP for publishing. Thread-safe: every public method may be called from any thread,
 * returns at once and never blocks.
 *
 * <pre>{@code
 * HubClient hub = HubClient.create(ClientOptions.of("http://127.0.0.1:8000"));
 * hub.subscribe(SubscribeRequest.forProject(projectId).types(EventType.ANALYSIS_PROGRESS).build(),
 *         EventListener.builder().onAnalysisProgress((e, p) -> show(p.progressPercentage())).build());
 * hub.connect().join();
 * }</pre>
 *
 * <h2>Threads</h2>
 * Each client has one dispatcher thread. Event listeners, {@link ConnectionListener} callbacks and
 * the futures of WebSocket requests ({@link #connect}, {@link #subscribe}, {@link #unsubscribe},
 * {@link #setPreferences}, {@link #replay}, {@link #replayAll}, {@link #ping}, {@link #stats})
 * all run or complete there, one at a time, in the order the frames arrived. {@link #publish}
 * futures complete on the HTTP client's threads. Never wait for a future of this client inside
 * one of its callbacks: the reply would be handled on the very thread that waits. Chain instead
 * ({@code thenAccept}, {@code thenCompose}).
 *
 * <h2>Design note: reconnect and resume</h2>
 * Subscriptions and preferences are the client's desired state; requests are sent on the current
 * connection. When the connection ends unexpectedly (1001 shutdown, 4000 ping timeout, 4008 slow
 * consumer, 1006 network failure, an idle connection) the client reconnects with the
 * {@link ReconnectPolicy}'s backoff (4029: longer; 4001: only with a token supplier), re-applies
 * the preferences and re-subscribes every subscription with its id. A project subscription
 * resumes after the last position it delivered ({@code since_offset} + {@code epoch}); a
 * project-less one resubscribes without resume (the protocol resumes per project only). The hub
 * answers each resubscribe with an ack followed by the missed events; those replayed events are
 * routed only to the subscription whose ack they follow, and a ping sent after the last
 * resubscribe marks where the resumed events end. Every subscription drops events at or before
 * the last one it delivered for that project and epoch, so no listener sees an event twice. A
 * {@code recovered:false} ack is reported to the subscription's listener
 * ({@link EventListener#onResumeFailed}); live delivery continues. The same ping fence precedes
 * each {@link #replay}, so the events of a replay are told apart from resumed ones.
 *
 * <p>Backpressure: at most {@link ClientOptions#maxQueuedFrames()} frames wait for the dispatcher;
 * then the client stops reading and the hub's bounds take over (see {@link Session}).
 */
public final class HubClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubClient.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How long {@link #close()} waits for the hub to answer the close frame before dropping the connection. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final ClientOptions options;
    private final ConnectionListener connectionListener;
    private final Dispatcher dispatcher;
    private final ScheduledThreadPoolExecutor timer;
    private final HttpClient http;
    private final HttpPublisher publisher;
    private final ClientCounters.Live counters = new ClientCounters.Live();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final Session.Handler sessionHandler = new SessionHandler();

    // written on the dispatcher thread only, readable anywhere
    private volatile ConnectionState state = ConnectionState.NEW;
    private volatile Welcome welcome;

    // dispatcher thread only
    private final PendingRequests requests;
    private final Subscriptions subscriptions;
    private Session current;
    private boolean welcomed;
    private long sessionStartNanos;
    private int sessionSerial;
    private boolean everConnected;
    private int attempt;
    private long reconnectFloorMillis;
    private CompletableFuture<Welcome> connecting;
    private FilterSpec preferences;
    private ScheduledFuture<?> reconnectTimer;

    private HubClient(ClientOptions options, ConnectionListener connectionListener) {
        this.options = options;
        this.connectionListener = connectionListener;
        int n = INSTANCES.incrementAndGet();
        this.dispatcher = new Dispatcher("hub-client-" + n + "-dispatcher", options.maxQueuedFrames(),
                options.maxPendingRequests());
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("hub-client-" + n + "-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        ExecutorService io = Executors.newCachedThreadPool(daemon("hub-client-" + n + "-io"));
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout()).executor(io).build();
        this.publisher = new HttpPublisher(http, options);
        this.requests = new PendingRequests(options.requestTimeout(), options.maxPendingRequests());
        this.subscriptions = new Subscriptions(requests, counters, connectionListener);
    }

    /** A client with no connection-state listener; call {@link #connect()} to open the connection. */
    public static HubClient create(ClientOptions options) {
        return create(options, new ConnectionListener() { });
    }

    public static HubClient create(ClientOptions options, ConnectionListener connectionListener) {
        HubClient client = new HubClient(Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(connectionListener, "connectionListener"));
        client.dispatcher.start();
        long tickMillis = Math.max(50, Math.min(1000, options.requestTimeout().toMillis() / 10));
        client.timer.scheduleWithFixedDelay(client::queueTick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        return client;
    }

    public ClientOptions options() {
        return options;
    }

    public ConnectionState state() {
        return state;
    }

    /** The current connection's welcome, if connected. */
    public Optional<Welcome> welcome() {
        return Optional.ofNullable(welcome);
    }

    /** The subscriptions in the order they were made. */
    public List<Subscription> subscriptions() {
        return subscriptions.snapshot();
    }

    public ClientCounters counters() {
        return counters.snapshot();
    }

    /** Completes once the client is closed (by {@link #close()} or because reconnection gave up). */
    public CompletableFuture<Void> closed() {
        return closed.thenApply(v -> v);
    }

    // ------------------------------------------------------------------ public requests

    /**
     * Opens the connection; completes with the hub's welcome. If the first attempt fails, the
     * future fails and {@code connect()} may be called again; once connected, the client
     * reconnects by itself. While connecting or reconnecting, completes at the next welcome.
     */
    public CompletableFuture<Welcome> connect() {
        CompletableFuture<Welcome> f = new CompletableFuture<>();
        call(f, () -> {
            if (state == ConnectionState.CLOSED) {
                f.completeExceptionally(closedException());
            } else if (state == ConnectionState.CONNECTED) {
                f.complete(welcome);
            } else {
                if (connecting == null) {
                    connecting = new CompletableFuture<>();
                }
                Futures.forward(connecting, f);
                if (state == ConnectionState.NEW) {
                    state = ConnectionState.CONNECTING;
                    openSession();
                }
            }
        });
        return f;
    }

    /**
     * Subscribes {@code listener} to the events {@code request} selects; completes with the
     * subscription once the hub acknowledged it. May be called before {@link #connect()} or while
     * reconnecting: the subscribe is sent when the connection is up. A refusal fails the future
     * and removes the subscription.
     */
    public CompletableFuture<Subscription> subscribe(SubscribeRequest request, EventListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<Subscription> f = new CompletableFuture<>();
        call(f, () -> {
            if (state == ConnectionState.CLOSED) {
                f.completeExceptionally(closedException());
                return;
            }
            String id = request.subscriptionId() != null ? request.subscriptionId() : subscriptions.nextId();
            if (subscriptions.contains(id)) {
                f.completeExceptionally(new IllegalArgumentException("subscription id '" + id + "' is already in use"));
                return;
            }
            if (state == ConnectionState.CONNECTED && !requests.hasRoom()) {
                f.completeExceptionally(tooManyRequests());
                return;
            }
            Subscription sub = new Subscription(id, request, listener, this);
            subscriptions.add(sub);
            Futures.forward(sub.acknowledged, f);
            if (state == ConnectionState.CONNECTED) {
                subscriptions.establish(current, sub);
            }
        });
        return f;
    }

    /** Removes {@code subscription}; completes when the hub confirmed (at once when not connected). */
    public CompletableFuture<Void> unsubscribe(Subscription subscription) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        call(f, () -> {
            if (!subscriptions.isRegistered(subscription)) {
                f.complete(null);
                return;
            }
            subscriptions.remove(subscription);
            subscription.acknowledged.completeExceptionally(
                    new HubException("unsubscribed before the hub acknowledged " + subscription.id()));
            if (state != ConnectionState.CONNECTED) {
                f.complete(null);
                return;
            }
            requests.send(current, ClientMessages.UNSUBSCRIBE, ClientMessages.unsubscribe(subscription.id()),
                    PendingRequests.completing(f, c -> null, true));
        });
        return f;
    }

    /**
     * Replaces this connection's preferences (PROTOCOL §7); they are re-applied after every
     * reconnect. Completes when the hub acknowledged them, or at once when not connected.
     */
    public CompletableFuture<FilterSpec> setPreferences(FilterSpec spec) {
        Objects.requireNonNull(spec, "spec");
        CompletableFuture<FilterSpec> f = new CompletableFuture<>();
        call(f, () -> {
            if (state == ConnectionState.CLOSED) {
                f.completeExceptionally(closedException());
                return;
            }
            FilterSpec before = preferences;
            preferences = spec;
            if (state != ConnectionState.CONNECTED) {
                f.complete(spec);
                return;
            }
            requests.send(current, ClientMessages.SET_PREFERENCES, ClientMessages.setPreferences(spec),
                    new PendingRequests.ReplyHandler() {
                        @Override
                        public void onReply(FrameDecoder.Control reply) {
                            f.complete(spec);
                        }

                        @Override
                        public void onFailure(HubException failure) {
                            if (failure instanceof HubErrorException && preferences == spec) {
                                preferences = before;
                            }
                            f.completeExceptionally(failure);
                        }
                    });
        });
        return f;
    }

    /** One {@code replay} request: its events (not given to any listener) and its {@code replay_complete}. */
    public CompletableFuture<ReplayResult> replay(ReplayRequest request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<ReplayResult> f = new CompletableFuture<>();
        call(f, () -> {
            if (!ready(f)) {
                return;
            }
            ReplayCapture capture = new ReplayCapture(request);
            // the pong of this ping marks where the replay's events begin
            requests.send(current, ClientMessages.PING, ClientMessages.empty(), new PendingRequests.ReplyHandler() {
                @Override
                public void onReply(FrameDecoder.Control reply) {
                    subscriptions.collectReplay(capture);
                }

                @Override
                public void onFailure(HubException failure) {
                    if (failure instanceof HubErrorException) {
                        subscriptions.collectReplay(capture);
                    }
                }
            });
            requests.send(current, ClientMessages.REPLAY, ClientMessages.replay(request),
                    PendingRequests.completing(f, c -> new ReplayResult(capture.events(), Json.fromTree(c.data(), ReplayComplete.class)), false));
        });
        return f;
    }

    /**
     * Replays everything {@code request} selects, page after page while {@code has_more}, handing
     * each event to {@code onEvent} on the dispatcher thread. Completes with a summary:
     * {@code events_replayed} is the total, {@code from_offset}/{@code to_offset} span all pages,
     * {@code recovered} is false if any page was, with its reason.
     */
    public CompletableFuture<ReplayComplete> replayAll(ReplayRequest request, Consumer<Event> onEvent) {
        Objects.requireNonNull(onEvent, "onEvent");
        return ReplayPager.replayAll(this::replay, request, onEvent);
    }

    /** {@code ping}: the connection's health as the hub sees it, and the hub's clock. */
    public CompletableFuture<Pong> ping() {
        CompletableFuture<Pong> f = new CompletableFuture<>();
        call(f, () -> {
            if (ready(f)) {
                requests.send(current, ClientMessages.PING, ClientMessages.empty(),
                        PendingRequests.completing(f, c -> Json.fromTree(c.data(), Pong.class), false));
            }
        });
        return f;
    }

    /** {@code get_stats}: this connection's counters as the hub keeps them ({@code stats.data}). */
    public CompletableFuture<JsonNode> stats() {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        call(f, () -> {
            if (ready(f)) {
                requests.send(current, ClientMessages.GET_STATS, ClientMessages.empty(), PendingRequests.completing(f, FrameDecoder.Control::data, false));
            }
        });
        return f;
    }

    /** Publishes one event over HTTP; completes with its accepted position. */
    public CompletableFuture<Accepted> publish(OutgoingEvent event) {
        return publishJson(Json.write(event.toJson())).thenApply(list -> list.get(0));
    }

    /** Publishes events in one all-or-nothing request (at most the hub's limit, 1000 by default). */
    public CompletableFuture<List<Accepted>> publish(List<OutgoingEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("publish needs at least one event");
        }
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("events");
        events.forEach(e -> list.add(e.toJson()));
        return publishJson(Json.write(body));
    }

    /**
     * Publishes a body as the hub reads it: one event, {@code {"events":[…]}} or a JSON array.
     * Completes with the accepted positions in request order, or fails with
     * {@link InvalidEventException} (400), {@link ConflictException} (409),
     * {@link PayloadTooLargeException} (413), {@link RateLimitedException} (429),
     * {@link HubUnavailableException} (503) or {@link HubErrorException}.
     */
    public CompletableFuture<List<Accepted>> publishJson(String body) {
        if (state == ConnectionState.CLOSED) {
            return CompletableFuture.failedFuture(closedException());
        }
        return publisher.publish(body);
    }

    /**
     * Closes the connection (a normal close, 1000) and stops the client's threads. Returns at once;
     * {@link #closed()} completes when done. Waiting requests fail with {@link HubConnectionException}.
     */
    @Override
    public void close() {
        if (!dispatcher.submit(this::shutdown)) {
            dispatcher.post(this::shutdown);
        }
    }

    // ------------------------------------------------------------------ connection lifecycle (dispatcher)

    private void openSession() {
        Session s = new Session(++sessionSerial, dispatcher, sessionHandler, options.maxQueuedFrames(),
                options.maxFrameBytes());
        current = s;
        welcomed = false;
        sessionStartNanos = System.nanoTime();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(options.connectTimeout());
        try {
            String token = options.currentToken();
            if (token != null && !token.isEmpty()) {
                builder.header("Authorization", "Bearer " + token);
            }
        } catch (RuntimeException e) {
            ended(s, 0, "the token supplier failed: " + e);
            return;
        }
        builder.buildAsync(options.websocketUri(), s).whenComplete((ws, t) -> {
            if (!dispatcher.post(() -> opened(s, ws, t)) && ws != null) {
                ws.abort();
            }
        });
    }

    private void opened(Session s, WebSocket ws, Throwable t) {
        if (t == null) {
            if (s != current) {
                ws.abort();
            }
            return;
        }
        if (s != current) {
            return;
        }
        Throwable cause = Futures.unwrap(t);
        int code = cause instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : Session.ABNORMAL_CLOSE;
        ended(s, code, "cannot connect to " + options.websocketUri().getHost() + ":" + options.websocketUri().getPort()
                + ": " + (cause instanceof WebSocketHandshakeException ? "handshake refused with HTTP " + code : cause.toString()));
    }

    private void welcomed(Session s, FrameDecoder.Control c) {
        if (welcomed) {
            log.warn("hub client: a second welcome on one connection was ignored");
            return;
        }
        Welcome w;
        try {
            w = Json.fromTree(c.data(), Welcome.class);
        } catch (ProtocolException e) {
            s.abort(Session.ABNORMAL_CLOSE, "unreadable welcome: " + e.getMessage());
            return;
        }
        welcomed = true;
        welcome = w;
        boolean reconnected = everConnected;
        everConnected = true;
        attempt = 0;
        reconnectFloorMillis = 0;
        state = ConnectionState.CONNECTED;
        if (reconnected) {
            counters.reconnects.incrementAndGet();
        }
        if (preferences != null) {
            requests.send(s, ClientMessages.SET_PREFERENCES, ClientMessages.setPreferences(preferences), reportFailure());
        }
        subscriptions.establishAll(s, reconnected);
        CompletableFuture<Welcome> f = connecting;
        connecting = null;
        if (f != null) {
            f.complete(w);
        }
        Callbacks.safely("onConnected", () -> connectionListener.onConnected(w, reconnected));
    }

    /** The one place a connection's end is handled, whatever ended it. */
    private void ended(Session s, int code, String reason) {
        if (s != current) {
            return;
        }
        boolean wasWelcomed = welcomed;
        current = null;
        welcomed = false;
        welcome = null;
        subscriptions.connectionLost();
        requests.failAll(new HubConnectionException("connection closed (" + code + (reason.isEmpty() ? "" : " " + reason)
                + ") before the reply", code));
        if (state == ConnectionState.CLOSED) {
            if (wasWelcomed) {
                Callbacks.safely("onDisconnected", () -> connectionListener.onDisconnected(code, reason, false));
            }
            finish();
            return;
        }
        if (!everConnected) {
            state = ConnectionState.NEW;
            CompletableFuture<Welcome> f = connecting;
            connecting = null;
            if (f != null) {
                f.completeExceptionally(new HubConnectionException(reason.isEmpty() ? "connection closed with " + code : reason, code));
            }
            return;
        }
        int next = attempt + 1;
        boolean tokenRefused = (code == CloseCode.TOKEN_EXPIRED.code() || code == 401) && options.tokenSupplier() == null;
        if (tokenRefused || !options.reconnectPolicy().allows(next)) {
            state = ConnectionState.CLOSED;
            String why = tokenRefused ? "the token was refused and no token supplier is configured"
                    : "reconnection is off or gave up after " + attempt + " attempts";
            log.warn("hub client: connection ended ({} {}); {}", code, reason, why);
            Callbacks.safely("onDisconnected", () -> connectionListener.onDisconnected(code, reason, false));
            HubConnectionException gaveUp = new HubConnectionException("not reconnecting: " + why + " (last close "
                    + code + " " + reason + ")", code);
            failWaiters(gaveUp);
            finish();
            return;
        }
        state = ConnectionState.RECONNECTING;
        attempt = next;
        Duration delay = options.reconnectPolicy().delay(next, code, ThreadLocalRandom.current().nextDouble());
        if (reconnectFloorMillis > delay.toMillis()) {
            delay = Duration.ofMillis(reconnectFloorMillis);
        }
        reconnectFloorMillis = 0;
        log.info("hub client: connection ended ({} {}); reconnect attempt {} in {} ms", code, reason, next, delay.toMillis());
        if (wasWelcomed) {
            Callbacks.safely("onDisconnected", () -> connectionListener.onDisconnected(code, reason, true));
        }
        Duration wait = delay;
        Callbacks.safely("onReconnecting", () -> connectionListener.onReconnecting(next, wait));
        reconnectTimer = timer.schedule(() -> dispatcher.post(this::reconnectNow), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconnectNow() {
        if (state == ConnectionState.RECONNECTING && current == null) {
            openSession();
        }
    }

    private void shutdown() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
        }
        HubConnectionException closing = closedException();
        requests.failAll(closing);
        failWaiters(closing);
        Session s = current;
        if (s == null) {
            finish();
        } else if (!welcomed) {
            s.abort(CloseCode.NORMAL.code(), "client closed");
        } else {
            s.closeGracefully("client closing");
            timer.schedule(() -> s.abort(CloseCode.NORMAL.code(), "client closed"), CLOSE_GRACE.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void finish() {
        timer.shutdownNow();
        dispatcher.stop();
        closed.complete(null);
    }

    private void failWaiters(HubException e) {
        CompletableFuture<Welcome> f = connecting;
        connecting = null;
        if (f != null) {
            f.completeExceptionally(e);
        }
        subscriptions.failWaiting(e);
    }

    private void queueTick() {
        if (tickQueued.compareAndSet(false, true) && !dispatcher.post(this::tick)) {
            tickQueued.set(false);
        }
    }

    /** Request deadlines, the idle check, and a connection that never says welcome. */
    private void tick() {
        tickQueued.set(false);
        long now = System.nanoTime();
        requests.expire(now);
        Session s = current;
        if (s == null) {
            return;
        }
        if (welcomed) {
            Duration idle = options.idleTimeout();
            if (!idle.isZero() && s.idleFor(idle.toNanos())) {
                s.abort(Session.ABNORMAL_CLOSE, "nothing received from the hub for " + idle.toMillis() + " ms");
            }
        } else if (now - sessionStartNanos > 2 * options.connectTimeout().toNanos()) {
            s.abort(Session.ABNORMAL_CLOSE, "no welcome from the hub within " + 2 * options.connectTimeout().toMillis() + " ms");
        }
    }

    // ------------------------------------------------------------------ inbound (dispatcher)

    private void control(FrameDecoder.Control c) {
        String type = c.type();
        if (ServerMessage.WELCOME.equals(type)) {
            welcomed(current, c);
            return;
        }
        if (ServerMessage.NOTICE.equals(type)) {
            notice(c);
            return;
        }
        HubErrorException error = ServerMessage.ERROR.equals(type) ? errorOf(c) : null;
        if (requests.awaits(c.correlationId())) {
            subscriptions.replyArrived();
            requests.complete(c, error);
        } else {
            if (error != null) {
                log.warn("hub client: error from the hub: {}", error.getMessage());
                Callbacks.safely("onServerError", () -> connectionListener.onServerError(error));
            } else {
                log.debug("hub client: ignoring a {} frame that answers no request", type);
            }
        }
    }

    private void notice(FrameDecoder.Control c) {
        Notice n;
        try {
            n = Json.fromTree(c.data(), Notice.class);
        } catch (ProtocolException e) {
            log.debug("hub client: unreadable notice: {}", e.getMessage());
            return;
        }
        if (Notice.SHUTDOWN.equals(n.kind()) && n.reconnectAfterMs() != null) {
            reconnectFloorMillis = Math.max(0, n.reconnectAfterMs());
        }
        Callbacks.safely("onNotice", () -> connectionListener.onNotice(n));
    }

    private static HubErrorException errorOf(FrameDecoder.Control c) {
        JsonNode d = c.data();
        Map<String, Object> details = d.path("details").isObject() ? Json.toMap(d.get("details")) : Map.of();
        return new HubErrorException(d.path("error").asText("UNKNOWN"), d.path("message").asText(""), details, 0,
                d.path("action").asText(null));
    }

    /** Session events, all on the dispatcher thread. */
    private final class SessionHandler implements Session.Handler {
        @Override
        public void onInbound(Session session, FrameDecoder.Inbound inbound) {
            try {
                if (session != current) {
                    return;
                }
                if (inbound instanceof FrameDecoder.Events events) {
                    for (Event e : events.events()) {
                        subscriptions.route(e);
                    }
                } else {
                    control((FrameDecoder.Control) inbound);
                }
            } finally {
                session.release();
            }
        }

        @Override
        public void onMalformed(Session session, ProtocolException problem) {
            session.release();
            if (session == current) {
                counters.malformedFrames.incrementAndGet();
                log.warn("hub client: skipped a frame from the hub that could not be read: {}", problem.getMessage());
            }
        }

        @Override
        public void onEnded(Session session, int code, String reason) {
            ended(session, code, reason);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Runs {@code task} on the dispatcher after what is already queued; fails {@code f} if it cannot be queued. */
    private void call(CompletableFuture<?> f, Runnable task) {
        if (!dispatcher.submit(task)) {
            f.completeExceptionally(state == ConnectionState.CLOSED || closed.isDone() ? closedException()
                    : new HubException("too many calls waiting for the client's dispatcher thread ("
                    + options.maxPendingRequests() + ")"));
        }
    }

    /** True if a request can be sent now; otherwise fails {@code f} and returns false. */
    private boolean ready(CompletableFuture<?> f) {
        if (state != ConnectionState.CONNECTED) {
            f.completeExceptionally(state == ConnectionState.CLOSED ? closedException()
                    : new HubConnectionException("not connected (" + state.name().toLowerCase() + ")", 0));
            return false;
        }
        if (!requests.hasRoom()) {
            f.completeExceptionally(tooManyRequests());
            return false;
        }
        return true;
    }

    private HubException tooManyRequests() {
        return new HubException("too many requests waiting for replies (" + requests.size() + ", limit "
                + options.maxPendingRequests() + ")");
    }

    /** For requests nobody waits on: an error reply is reported as a server error. */
    private PendingRequests.ReplyHandler reportFailure() {
        return new PendingRequests.ReplyHandler() {
            @Override
            public void onReply(FrameDecoder.Control reply) {
            }

            @Override
            public void onFailure(HubException failure) {
                if (failure instanceof HubErrorException e) {
                    Callbacks.safely("onServerError", () -> connectionListener.onServerError(e));
                }
            }
        };
    }

    private HubConnectionException closedException() {
        return new HubConnectionException("the client is closed", CloseCode.NORMAL.code());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + (name.endsWith("-io") ? "-" + n.incrementAndGet() : ""));
            t.setDaemon(true);
            return t;
        };
    }
}
