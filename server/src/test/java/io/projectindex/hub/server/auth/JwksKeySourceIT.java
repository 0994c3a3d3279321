package io.projectindex.hub.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A JWKS served by a tiny HTTP server on a free loopback port: keys are fetched and cached, a
 * rotation is picked up through an unknown {@code kid} (rate limited), a retired key stops
 * working, a failed fetch keeps the cached keys, and verifying never waits for a fetch.
 */
class JwksKeySourceIT {
    private static final Duration MAX_AGE = Duration.ofSeconds(300);
    private static final Duration GAP = Duration.ofSeconds(10);

    private final FakeClock clock = new FakeClock();
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private JwksKeySource source;
    private JwtAuthenticator authenticator;
    private KeyPair keyA;
    private KeyPair keyB;

    @BeforeEach
    void start() throws IOException {
        keyA = TestKeys.rsa();
        keyB = TestKeys.ec();
        body.set(jwks(TestKeys.publicJwk(keyA, "a")));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/jwks.json", exchange -> {
            requests.incrementAndGet();
            CountDownLatch h = hold.get();
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        source = new JwksKeySource(url, HttpClient.newHttpClient(), clock, MAX_AGE, GAP);
        authenticator = JwtAuthenticator.jwks(source, HubConfig.of(Map.of("AUTH_JWKS_URL", url.toString())).auth(), clock);
        authenticator.ready().join();
    }

    @AfterEach
    void stop() {
        CountDownLatch h = hold.get();
        if (h != null) {
            h.countDown();
        }
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toString(true);
    }

    private String token(KeyPair pair, String kid) {
        Instant now = clock.now();
        return TokenMinter.sign(TestKeys.signer(pair), TestKeys.algorithm(pair), kid,
                TokenMinter.Spec.of("alice", List.of("*"), "events:read", now, now.plusSeconds(600)));
    }

    private boolean accepted(String token) {
        try {
            authenticator.authenticate(token);
            return true;
        } catch (AuthenticationException e) {
            return false;
        }
    }

    @Test
    void keysAreFetchedOnceAndServedFromTheCache() {
        assertThat(source.keyCount()).isEqualTo(1);
        for (int i = 0; i < 20; i++) {
            assertThat(authenticator.authenticate(token(keyA, "a")).userId()).isEqualTo("alice");
        }
        assertThat(requests.get()).isEqualTo(1);
        assertThat(source.fetches()).isEqualTo(1);
    }

    @Test
    void aRotatedKeyIsPickedUpThroughItsUnknownKidAndTheRetiredKeyStopsWorking() {
        body.set(jwks(TestKeys.publicJwk(keyB, "b")));
        String tokenB = token(keyB, "b");
        // Within the minimum gap after the start-up fetch, an unknown kid does not fetch again.
        assertThat(accepted(tokenB)).isFalse();
        assertThat(source.fetches()).isEqualTo(1);

        clock.advance(GAP.plusSeconds(1));
        assertThat(accepted(tokenB)).as("the first token with the new kid is refused while keys are fetched").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted(tokenB));
        assertThat(source.fetches()).isEqualTo(2);
        assertThat(accepted(token(keyA, "a"))).as("key a was removed from the JWKS").isFalse();
    }

    @Test
    void tokensWithMadeUpKidsCauseAtMostOneFetchPerGap() {
        clock.advance(GAP.plusSeconds(1));
        for (int i = 0; i < 50; i++) {
            assertThat(accepted(token(keyB, UUID.randomUUID().toString()))).isFalse();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 2);
        for (int i = 0; i < 50; i++) {
            assertThat(accepted(token(keyB, UUID.randomUUID().toString()))).isFalse();
        }
        assertThat(source.fetches()).isEqualTo(2);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void aStaleCacheIsRefreshedInTheBackgroundWhileStillAnswering() {
        clock.advance(MAX_AGE.plusSeconds(1));
        assertThat(accepted(token(keyA, "a"))).as("answered from the stale snapshot").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 2);
        assertThat(source.fetches()).isEqualTo(2);
    }

    @Test
    void aFailedFetchKeepsTheCachedKeys() {
        status.set(500);
        body.set("{\"error\":\"down\"}");
        clock.advance(MAX_AGE.plusSeconds(1));
        assertThat(accepted(token(keyA, "a"))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> source.failures() == 1);
        assertThat(source.keyCount()).isEqualTo(1);
        assertThat(accepted(token(keyA, "a"))).isTrue();
    }

    @Test
    void verifyingDoesNotWaitForAFetchInFlight() {
        CountDownLatch h = new CountDownLatch(1);
        hold.set(h);
        body.set(jwks(TestKeys.publicJwk(keyA, "a"), TestKeys.publicJwk(keyB, "b")));
        clock.advance(GAP.plusSeconds(1));
        String tokenB = token(keyB, "b");
        assertThat(accepted(tokenB)).isFalse();
        // The key server is still holding the request, yet verification has already answered.
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 2);
        assertThat(h.getCount()).isEqualTo(1);
        assertThat(accepted(token(keyA, "a"))).isTrue();
        h.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted(tokenB));
    }

    @Test
    void secretKeysInTheJwksAreNeverUsed() {
        String withOct = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"" + "QUJD".repeat(12) + "\"}]}";
        body.set(withOct);
        clock.advance(MAX_AGE.plusSeconds(1));
        accepted(token(keyA, "a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> source.fetches() == 2 && source.keyCount() == 0);
        assertThatThrownBy(() -> authenticator.authenticate(token(keyA, "a"))).isInstanceOf(AuthenticationException.class);
    }
}
