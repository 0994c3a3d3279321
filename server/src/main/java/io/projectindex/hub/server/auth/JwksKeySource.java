package io.projectindex.hub.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.projectindex.hub.server.time.HubClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Thread-safe cache of the public keys of a JWKS URL that never makes a caller wait on the
 * network: {@link #get} answers from the cached snapshot and, when that snapshot is older than
 * the refresh age or holds no key matching a token (a new {@code kid} after a rotation), starts
 * a fetch on the JDK's asynchronous HTTP client. Fetches are one at a time and at least
 * {@link #DEFAULT_MIN_FETCH_GAP} apart, so tokens with made-up key ids cannot hammer the key
 * server. A failed fetch keeps the previous keys; a successful one replaces them, which is how
 * a retired key stops being accepted. Only RSA and EC public keys are kept.
 */
public final class JwksKeySource implements JWKSource<SecurityContext> {
    /** Least time between two fetches: 10 seconds. */
    public static final Duration DEFAULT_MIN_FETCH_GAP = Duration.ofSeconds(10);
    /** Time allowed for one fetch: 5 seconds. */
    public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    /** Larger JWKS documents are refused: 1 MiB. */
    public static final int MAX_JWKS_BYTES = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);

    private record Snapshot(JWKSet keys, long fetchedNanos) {
    }

    private final URI url;
    private final HttpClient http;
    private final HubClock clock;
    private final long maxAgeNanos;
    private final long minGapNanos;
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Written by the fetch completion (HTTP client thread), read by verifying threads. */
    private volatile Snapshot snapshot;
    /** The fetch in flight, if any: set by whoever starts one, cleared by its completion. */
    private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
    /** When the last fetch started; written only by the thread that won {@link #inFlight}. */
    private volatile long lastStartNanos;
    private volatile boolean started;

    public JwksKeySource(URI url, HttpClient http, HubClock clock, Duration maxAge, Duration minGap) {
        this.url = url;
        this.http = http;
        this.clock = clock;
        this.maxAgeNanos = maxAge.toNanos();
        this.minGapNanos = minGap.toNanos();
        this.snapshot = new Snapshot(new JWKSet(), Long.MIN_VALUE);
    }

    /** Starts a fetch now unless one is running; the future completes when it has finished (even if it failed). */
    public CompletableFuture<Void> refresh() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        while (!inFlight.compareAndSet(null, mine)) {
            CompletableFuture<Void> running = inFlight.get();
            if (running != null) {
                return running;
            }
        }
        lastStartNanos = clock.nanoTime();
        started = true;
        fetches.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json").GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenAccept(this::accept)
                .whenComplete((v, t) -> {
                    if (t != null) {
                        failures.incrementAndGet();
                        Throwable cause = t.getCause() != null ? t.getCause() : t;
                        log.warn("JWKS fetch from {} failed (keeping {} cached keys): {}", url,
                                snapshot.keys().size(), cause.toString());
                    }
                    inFlight.set(null);
                    mine.complete(null);
                });
        return mine;
    }

    private void accept(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        if (response.body().length > MAX_JWKS_BYTES) {
            throw new IllegalStateException("JWKS larger than " + MAX_JWKS_BYTES + " bytes");
        }
        JWKSet parsed;
        try {
            parsed = JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IllegalStateException("not a JWKS: " + e.getMessage());
        }
        List<JWK> usable = parsed.toPublicJWKSet().getKeys().stream()
                .filter(k -> k.getKeyType().equals(KeyType.RSA) || k.getKeyType().equals(KeyType.EC)).toList();
        snapshot = new Snapshot(new JWKSet(usable), clock.nanoTime());
        log.info("JWKS fetched from {}: {} keys (kid {})", url, usable.size(),
                usable.stream().map(k -> String.valueOf(k.getKeyID())).toList());
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        Snapshot s = snapshot;
        long now = clock.nanoTime();
        if (s.fetchedNanos() == Long.MIN_VALUE || now - s.fetchedNanos() >= maxAgeNanos) {
            refreshIfAllowed(now);
        }
        List<JWK> keys = selector.select(s.keys());
        if (keys.isEmpty()) {
            refreshIfAllowed(now);
        }
        return keys;
    }

    private void refreshIfAllowed(long now) {
        if (inFlight.get() == null && (!started || now - lastStartNanos >= minGapNanos)) {
            refresh();
        }
    }

    /** Keys in the current snapshot. */
    public int keyCount() {
        return snapshot.keys().size();
    }

    /** Fetches started so far. */
    public long fetches() {
        return fetches.get();
    }

    /** Fetches that failed so far. */
    public long failures() {
        return failures.get();
    }

    public URI url() {
        return url;
    }
}
