package io.projectindex.hub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.projectindex.hub.server.config.AuthConfig;
import io.projectindex.hub.server.time.HubClock;

import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies JWTs with nimbus-jose-jwt (PROTOCOL §8). Thread-safe: it holds no mutable state of its
 * own, and verifying never waits on I/O (a JWKS is served from its cache).
 *
 * <p>The hub, not the token, decides the algorithm: one key source accepts exactly the
 * algorithms its keys are for (HS256 for a secret, RS256 or ES256 for a public key file, RS256
 * and ES256 for a JWKS), so {@code alg:none}, unknown algorithms and HS/RS confusion (an HS256
 * token "signed" with the RSA public key as its secret) are refused before any signature is
 * computed. Times ({@code exp} required, {@code nbf} when present) are checked against the
 * injected clock with the configured skew; {@code iss} and {@code aud} when configured.
 * Every refusal is an {@link AuthenticationException} whose message is for the log only.
 */
public final class JwtAuthenticator implements Authenticator {
    /** Longer tokens are refused without parsing: 16 KiB. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration skew;
    private final JwksKeySource jwks;

    private JwtAuthenticator(JWSKeySelector<SecurityContext> keys, Set<JWSAlgorithm> algorithms, HubClock clock,
                             Duration skew, Optional<String> issuer, Optional<String> audience, JwksKeySource jwks) {
        this.algorithms = Set.copyOf(algorithms);
        this.skew = skew;
        this.jwks = jwks;
        JWTClaimsSet exact = issuer.map(i -> new JWTClaimsSet.Builder().issuer(i).build())
                .orElseGet(() -> new JWTClaimsSet.Builder().build());
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience.map(Set::of).orElse(null), exact, Set.of("sub", "exp"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.now());
            }
        };
        claims.setMaxClockSkew((int) skew.toSeconds());
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The authenticator the configuration asks for; {@link Authenticator#DISABLED} when no key source is set. */
    public static Authenticator create(AuthConfig config, HubClock clock) {
        if (!config.enabled()) {
            return DISABLED;
        }
        if (config.jwtSecret().isPresent()) {
            return hs256(config.jwtSecret().get().getBytes(StandardCharsets.UTF_8), config, clock);
        }
        if (config.publicKeyFile().isPresent()) {
            PublicKeys.VerificationKey key = PublicKeys.load(config.publicKeyFile().get());
            return new JwtAuthenticator(new SingleKeyJWSKeySelector<>(key.algorithm(), key.key()),
                    Set.of(key.algorithm()), clock, config.clockSkew(), config.issuer(), config.audience(), null);
        }
        JwksKeySource source = new JwksKeySource(config.jwksUrl().orElseThrow(),
                HttpClient.newBuilder().connectTimeout(JwksKeySource.FETCH_TIMEOUT).build(), clock,
                config.jwksRefresh(), JwksKeySource.DEFAULT_MIN_FETCH_GAP);
        return jwks(source, config, clock);
    }

    static JwtAuthenticator hs256(byte[] secret, AuthConfig config, HubClock clock) {
        return new JwtAuthenticator(new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256, new SecretKeySpec(secret, "HmacSHA256")),
                Set.of(JWSAlgorithm.HS256), clock, config.clockSkew(), config.issuer(), config.audience(), null);
    }

    static JwtAuthenticator jwks(JwksKeySource source, AuthConfig config, HubClock clock) {
        Set<JWSAlgorithm> algs = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
        return new JwtAuthenticator(new JWSVerificationKeySelector<>(algs, source), algs, clock, config.clockSkew(),
                config.issuer(), config.audience(), source);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Principal authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw new AuthenticationException("no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationException("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.trim());
        } catch (ParseException e) {
            throw new AuthenticationException("malformed token: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            throw new AuthenticationException("unsigned token (alg none) refused");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw new AuthenticationException("encrypted tokens are not accepted");
        }
        JWSHeader header = signed.getHeader();
        String what = "token (alg " + header.getAlgorithm() + (header.getKeyID() == null ? "" : ", kid " + header.getKeyID()) + ")";
        if (!algorithms.contains(header.getAlgorithm())) {
            throw new AuthenticationException(what + " refused: the hub accepts only " + algorithms);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJOSEException | JOSEException e) {
            throw new AuthenticationException(what + " refused: " + e.getMessage());
        }
        return TokenClaims.principal(claims);
    }

    /** The algorithms this authenticator accepts. */
    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    /** The tolerance applied to {@code exp} and {@code nbf}. */
    public Duration skew() {
        return skew;
    }

    /** Completes when the key source is ready: at once for a secret or key file, after the first fetch for a JWKS. */
    public CompletableFuture<Void> ready() {
        return jwks == null ? CompletableFuture.completedFuture(null) : jwks.refresh();
    }

    public Optional<JwksKeySource> jwks() {
        return Optional.ofNullable(jwks);
    }
}
