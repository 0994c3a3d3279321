package io.projectindex.hub.client;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How a {@link HubClient} reaches a hub. The WebSocket and REST addresses derive from
 * {@code hubUrl} ({@code http://host:port[/prefix]} gives
 * {@code ws://host:port[/prefix]/api/v1/project-index/websocket} and
 * {@code http://host:port[/prefix]/api/v1/project-index/events}; {@code https} gives {@code wss}).
 * Immutable; build one with {@link #builder(String)}.
 *
 * @param token             a JWT sent as {@code Authorization: Bearer …}; null when auth is off
 * @param tokenSupplier     asked for a fresh token before every (re)connection and after a 4001
 *                          close; overrides {@code token}; may be null
 * @param clientId          stable client id (1–64 printable characters), sent as {@code client_id}
 * @param batch             ask the hub to batch events ({@code batch=true})
 * @param gzip              ask the hub to gzip large frames ({@code compression=gzip})
 * @param maxQueuedFrames   frames received but not yet dispatched; when full the client stops reading
 *                          and the hub's own bounds apply (it closes a slow consumer with 4008)
 * @param maxPendingRequests requests (subscribe, replay, ping, …) waiting for their reply; one more fails
 * @param maxFrameBytes     largest frame accepted from the hub (after gunzip); larger ones fail the connection
 * @param idleTimeout       reconnect when nothing (not even a ping) arrived for this long while the
 *                          client was reading; {@link Duration#ZERO} turns the check off
 */
public record ClientOptions(
        URI hubUrl,
        String token,
        Supplier<String> tokenSupplier,
        String clientId,
        boolean batch,
        boolean gzip,
        Duration connectTimeout,
        Duration requestTimeout,
        ReconnectPolicy reconnectPolicy,
        int maxQueuedFrames,
        int maxPendingRequests,
        int maxFrameBytes,
        Duration idleTimeout) {

    /** The hub's default address: {@code http://127.0.0.1:8000}. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8000";
    /** WebSocket handshake and HTTP connect timeout: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest wait for a request's reply (and for a publish answer): 30 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Frames buffered between the socket and the dispatcher thread: 1024. */
    public static final int DEFAULT_MAX_QUEUED_FRAMES = 1024;
    /** Requests in flight at once: 1024. */
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 1024;
    /** Largest frame from the hub: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Three of the hub's default 25 s ping intervals: 75 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);

    static final String WEBSOCKET_PATH = "/api/v1/project-index/websocket";
    static final String EVENTS_PATH = "/api/v1/project-index/events";
    private static final Pattern CLIENT_ID = Pattern.compile("^[\\x21-\\x7E]{1,64}$");

    public ClientOptions {
        Objects.requireNonNull(hubUrl, "hubUrl");
        String scheme = hubUrl.getScheme() == null ? "" : hubUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("hubUrl must be http(s)://host:port, was " + hubUrl);
        }
        if (hubUrl.getHost() == null) {
            throw new IllegalArgumentException("hubUrl must name a host, was " + hubUrl);
        }
        if (hubUrl.getRawQuery() != null || hubUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("hubUrl must not have a query or fragment, was " + hubUrl);
        }
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("clientId must be 1-64 printable ASCII characters without spaces, was '"
                    + clientId + "'");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must be >= 0 (0 = off), was " + idleTimeout);
        }
        range("maxQueuedFrames", maxQueuedFrames, 1, 1_000_000);
        range("maxPendingRequests", maxPendingRequests, 1, 1_000_000);
        range("maxFrameBytes", maxFrameBytes, 1024, Integer.MAX_VALUE - 8);
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + d);
        }
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
    }

    public static Builder builder(String hubUrl) {
        return new Builder(URI.create(hubUrl));
    }

    public static ClientOptions of(String hubUrl) {
        return builder(hubUrl).build();
    }

    /** The token for the next connection or request: the supplier's if there is one, else {@link #token()}. */
    String currentToken() {
        return tokenSupplier != null ? tokenSupplier.get() : token;
    }

    /** {@code ws(s)://…/api/v1/project-index/websocket?…} with the connection options. */
    URI websocketUri() {
        String scheme = hubUrl.getScheme().toLowerCase(Locale.ROOT);
        String ws = scheme.equals("https") || scheme.equals("wss") ? "wss" : "ws";
        StringBuilder query = new StringBuilder();
        if (batch) {
            query.append("batch=true");
        }
        if (gzip) {
            query.append(query.length() == 0 ? "" : "&").append("compression=gzip");
        }
        if (clientId != null) {
            query.append(query.length() == 0 ? "" : "&").append("client_id=").append(clientId);
        }
        return URI.create(ws + "://" + hubUrl.getRawAuthority() + basePath() + WEBSOCKET_PATH
                + (query.length() == 0 ? "" : "?" + query));
    }

    /** {@code http(s)://…/api/v1/project-index/events}. */
    URI eventsUri() {
        String scheme = hubUrl.getScheme().toLowerCase(Locale.ROOT);
        String http = scheme.equals("https") || scheme.equals("wss") ? "https" : "http";
        return URI.create(http + "://" + hubUrl.getRawAuthority() + basePath() + EVENTS_PATH);
    }

    private String basePath() {
        String p = hubUrl.getRawPath() == null ? "" : hubUrl.getRawPath();
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** Builds {@link ClientOptions}; every setting starts at its {@code DEFAULT_*}. Not thread-safe. */
    public static final class Builder {
        private final URI hubUrl;
        private String token;
        private Supplier<String> tokenSupplier;
        private String clientId;
        private boolean batch;
        private boolean gzip;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.DEFAULT;
        private int maxQueuedFrames = DEFAULT_MAX_QUEUED_FRAMES;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

        private Builder(URI hubUrl) {
            this.hubUrl = hubUrl;
        }

        public Builder token(String value) {
            this.token = value;
            return this;
        }

        public Builder tokenSupplier(Supplier<String> value) {
            this.tokenSupplier = value;
            return this;
        }

        public Builder clientId(String value) {
            this.clientId = value;
            return this;
        }

        public Builder batch(boolean value) {
            this.batch = value;
            return this;
        }

        public Builder gzip(boolean value) {
            this.gzip = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public Builder reconnectPolicy(ReconnectPolicy value) {
            this.reconnectPolicy = value;
            return this;
        }

        public Builder maxQueuedFrames(int value) {
            this.maxQueuedFrames = value;
            return this;
        }

        public Builder maxPendingRequests(int value) {
            this.maxPendingRequests = value;
            return this;
        }

        public Builder maxFrameBytes(int value) {
            this.maxFrameBytes = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(hubUrl, token, tokenSupplier, clientId, batch, gzip, connectTimeout,
                    requestTimeout, reconnectPolicy, maxQueuedFrames, maxPendingRequests, maxFrameBytes, idleTimeout);
        }
    }
}
