package io.projectindex.hub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.config.AuthConfig;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verifier against every kind of token the issue names, table-driven: each row is a hub
 * (HS256 secret, RSA key file, EC key file), a token made for it, and either the user it
 * authenticates or the log reason it is refused with.
 */
class JwtAuthenticatorTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    static final UUID P1 = UUID.fromString("11111111-1111-4111-8111-111111111111");
    static final UUID P2 = UUID.fromString("22222222-2222-4222-8222-222222222222");
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2025-01-15T12:00:00Z"));
    static final Instant NOW = CLOCK.now();

    static KeyPair rsa;
    static KeyPair otherRsa;
    static KeyPair ec;
    static Path rsaPem;
    static Path ecPem;
    static Authenticator hs;
    static Authenticator rs;
    static Authenticator es;

    @TempDir
    static Path dir;

    enum Hub { HS, RS, ES }

    @BeforeAll
    static void keys() {
        rsa = TestKeys.rsa();
        otherRsa = TestKeys.rsa();
        ec = TestKeys.ec();
        rsaPem = TestKeys.writePem(dir, "rsa.pem", rsa);
        ecPem = TestKeys.writePem(dir, "ec.pem", ec);
        hs = JwtAuthenticator.create(config(Map.of("AUTH_JWT_SECRET", SECRET)), CLOCK);
        rs = JwtAuthenticator.create(config(Map.of("AUTH_JWT_PUBLIC_KEY", rsaPem.toString())), CLOCK);
        es = JwtAuthenticator.create(config(Map.of("AUTH_JWT_PUBLIC_KEY", ecPem.toString())), CLOCK);
    }

    static AuthConfig config(Map<String, String> settings) {
        return HubConfig.of(settings).auth();
    }

    static TokenMinter.Spec spec() {
        return TokenMinter.Spec.of("alice", List.of(P1.toString()), "events:read", NOW.minusSeconds(60), NOW.plusSeconds(600));
    }

    static String hs256(TokenMinter.Spec s) {
        return TokenMinter.hs256(SECRET.getBytes(StandardCharsets.UTF_8), s);
    }

    static String signed(KeyPair pair, TokenMinter.Spec s) {
        return TokenMinter.sign(TestKeys.signer(pair), TestKeys.algorithm(pair), "k1", s);
    }

    /** An HS256 token whose "secret" is {@code key} — the classic HS/RS confusion attack. */
    static String hmacWith(byte[] key, TokenMinter.Spec s) {
        try {
            return TokenMinter.sign(new MACSigner(key), JWSAlgorithm.HS256, null, s);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String raw(Map<String, Object> header, Map<String, Object> claims, String signature) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(Json.writeBytes(header)) + "." + b64.encodeToString(Json.writeBytes(claims)) + "." + signature;
    }

    static Map<String, Object> claims(String sub) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", sub);
        c.put("projects", List.of("*"));
        c.put("scope", "events:read events:publish admin");
        c.put("exp", NOW.plusSeconds(600).getEpochSecond());
        return c;
    }

    static Arguments accepts(String name, Hub hub, Supplier<String> token) {
        return Arguments.of(name, hub, token, null);
    }

    static Arguments refuses(String name, Hub hub, Supplier<String> token, String reason) {
        return Arguments.of(name, hub, token, reason);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                accepts("valid HS256", Hub.HS, () -> hs256(spec())),
                accepts("valid RS256", Hub.RS, () -> signed(rsa, spec())),
                accepts("valid ES256", Hub.ES, () -> signed(ec, spec())),
                refuses("expired beyond the skew", Hub.HS,
                        () -> hs256(TokenMinter.Spec.of("alice", List.of("*"), "events:read", NOW.minusSeconds(600),
                                NOW.minusSeconds(10))), "Expired JWT"),
                accepts("expired within the 5 s skew", Hub.HS,
                        () -> hs256(TokenMinter.Spec.of("alice", List.of("*"), "events:read", NOW.minusSeconds(600),
                                NOW.minusSeconds(3)))),
                refuses("not yet valid beyond the skew", Hub.HS, () -> hs256(spec().withNotBefore(NOW.plusSeconds(10))),
                        "before use time"),
                accepts("not yet valid within the skew", Hub.HS, () -> hs256(spec().withNotBefore(NOW.plusSeconds(3)))),
                refuses("wrong secret", Hub.HS,
                        () -> TokenMinter.hs256("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8), spec()),
                        "Invalid signature"),
                refuses("RS256 signed by another key", Hub.RS, () -> signed(otherRsa, spec()), "Invalid signature"),
                refuses("payload swapped under a valid signature", Hub.HS, () -> {
                    String[] good = hs256(spec()).split("\\.");
                    String[] evil = raw(Map.of("alg", "HS256"), claims("mallory"), "x").split("\\.");
                    return good[0] + "." + evil[1] + "." + good[2];
                }, "Invalid signature"),
                refuses("alg none", Hub.HS, () -> raw(Map.of("alg", "none", "typ", "JWT"), claims("alice"), ""), "alg none"),
                refuses("alg none on an RSA hub", Hub.RS, () -> raw(Map.of("alg", "none"), claims("alice"), ""), "alg none"),
                refuses("alg NONE in capitals", Hub.HS, () -> raw(Map.of("alg", "NONE"), claims("alice"), "c2ln"),
                        "accepts only"),
                refuses("HS256 signed with the RSA public key (DER) on an RS256 hub", Hub.RS,
                        () -> hmacWith(rsa.getPublic().getEncoded(), spec()), "accepts only [RS256]"),
                refuses("HS256 signed with the RSA public key file (PEM) on an RS256 hub", Hub.RS,
                        () -> hmacWith(TestKeys.pem(rsa).getBytes(StandardCharsets.US_ASCII), spec()), "accepts only [RS256]"),
                refuses("RS256 on an HS256 hub", Hub.HS, () -> signed(rsa, spec()), "accepts only [HS256]"),
                refuses("ES256 on an RS256 hub", Hub.RS, () -> signed(ec, spec()), "accepts only [RS256]"),
                refuses("RS256 on an ES256 hub", Hub.ES, () -> signed(rsa, spec()), "accepts only [ES256]"),
                refuses("unknown algorithm", Hub.HS, () -> raw(Map.of("alg", "HS999"), claims("alice"), "c2ln"),
                        "accepts only"),
                refuses("HS512 on an HS256 hub", Hub.HS, () -> raw(Map.of("alg", "HS512"), claims("alice"), "c2ln"),
                        "accepts only"),
                refuses("no token", Hub.HS, () -> null, "no token"),
                refuses("empty token", Hub.HS, () -> "", "no token"),
                refuses("one segment", Hub.HS, () -> "abc", "malformed"),
                refuses("three segments of garbage", Hub.HS, () -> "a.b.c", "malformed"),
                refuses("header that is not JSON", Hub.HS, () -> "bm90IGpzb24.e30.c2ln", "malformed"),
                refuses("oversized token", Hub.HS, () -> "a".repeat(JwtAuthenticator.MAX_TOKEN_CHARS + 1), "longer than"),
                refuses("missing sub", Hub.HS, () -> hs256(TokenMinter.Spec.of(null, List.of("*"), "events:read", NOW,
                        NOW.plusSeconds(60))), "sub"),
                refuses("blank sub", Hub.HS, () -> hs256(TokenMinter.Spec.of(" ", List.of("*"), "events:read", NOW,
                        NOW.plusSeconds(60))), "sub"),
                refuses("sub with a newline", Hub.HS, () -> hs256(TokenMinter.Spec.of("eve\nforged", List.of("*"),
                        "events:read", NOW, NOW.plusSeconds(60))), "control characters"),
                refuses("missing exp", Hub.HS, () -> hs256(TokenMinter.Spec.of("alice", List.of("*"), "events:read", NOW,
                        null)), "exp"),
                refuses("a project that is not a UUID", Hub.HS, () -> hs256(TokenMinter.Spec.of("alice",
                        List.of(P1.toString(), "not-a-uuid"), "events:read", NOW, NOW.plusSeconds(60))), "not-a-uuid"),
                refuses("projects as a string", Hub.RS, () -> {
                    Map<String, Object> c = claims("alice");
                    c.put("projects", "*");
                    return signedClaims(c);
                }, "projects claim must be a list"));
    }

    /** An RS256 token with exactly these claims (for claim shapes the minter does not make). */
    static String signedClaims(Map<String, Object> claims) {
        try {
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader(JWSAlgorithm.RS256), com.nimbusds.jwt.JWTClaimsSet.parse(claims));
            jwt.sign(TestKeys.signer(rsa));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachTokenIsAcceptedOrRefusedWithItsReason(String name, Hub hub, Supplier<String> token, String reason) {
        Authenticator a = switch (hub) {
            case HS -> hs;
            case RS -> rs;
            case ES -> es;
        };
        String t = token.get();
        if (reason == null) {
            Principal p = a.authenticate(t);
            assertThat(p.userId()).isEqualTo("alice");
            assertThat(p.expiresAt()).isNotNull();
        } else {
            assertThatThrownBy(() -> a.authenticate(t)).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining(reason);
        }
    }

    @Test
    void theKeyTypeFixesTheAlgorithm() {
        assertThat(((JwtAuthenticator) hs).algorithms()).containsExactly(JWSAlgorithm.HS256);
        assertThat(((JwtAuthenticator) rs).algorithms()).containsExactly(JWSAlgorithm.RS256);
        assertThat(((JwtAuthenticator) es).algorithms()).containsExactly(JWSAlgorithm.ES256);
    }

    @Test
    void projectsListGivesExactlyThoseProjectsAndStarGivesAll() {
        Principal listed = hs.authenticate(hs256(TokenMinter.Spec.of("alice", List.of(P1.toString()), "events:read", NOW,
                NOW.plusSeconds(60))));
        assertThat(listed.allProjects()).isFalse();
        assertThat(listed.projects()).containsExactly(P1);
        assertThat(listed.canRead(P1)).isTrue();
        assertThat(listed.canRead(P2)).isFalse();

        Principal all = hs.authenticate(hs256(TokenMinter.Spec.of("bob", List.of("*"), "events:read", NOW,
                NOW.plusSeconds(60))));
        assertThat(all.allProjects()).isTrue();
        assertThat(all.canRead(P1)).isTrue();
        assertThat(all.canRead(UUID.randomUUID())).isTrue();

        Principal none = hs.authenticate(hs256(TokenMinter.Spec.of("carol", null, "events:read", NOW,
                NOW.plusSeconds(60))));
        assertThat(none.allProjects()).isFalse();
        assertThat(none.canRead(P1)).isFalse();
    }

    @Test
    void scopesAreReadFromTheSpaceSeparatedClaimAndUnknownOnesIgnored() {
        Principal p = hs.authenticate(hs256(TokenMinter.Spec.of("alice", List.of("*"), "events:read  events:publish"
                + " superuser", NOW, NOW.plusSeconds(60))));
        assertThat(p.scopes()).containsExactlyInAnyOrder("events:read", "events:publish");
        assertThat(p.canPublish(P1)).isTrue();
        assertThat(p.isAdmin()).isFalse();

        Principal readOnly = hs.authenticate(hs256(spec()));
        assertThat(readOnly.canRead(P1)).isTrue();
        assertThat(readOnly.canPublish(P1)).isFalse();

        Principal noScope = hs.authenticate(hs256(TokenMinter.Spec.of("alice", List.of("*"), null, NOW,
                NOW.plusSeconds(60))));
        assertThat(noScope.scopes()).isEmpty();
        assertThat(noScope.canRead(P1)).isFalse();

        Map<String, Object> listForm = claims("alice");
        listForm.put("scope", List.of("admin", "events:read"));
        Principal admin = rs.authenticate(signedClaims(listForm));
        assertThat(admin.scopes()).containsExactlyInAnyOrder("admin", "events:read");
        assertThat(admin.isAdmin()).isTrue();

        Map<String, Object> numeric = claims("alice");
        numeric.put("scope", 7);
        String bad = signedClaims(numeric);
        assertThatThrownBy(() -> rs.authenticate(bad)).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("scope");
    }

    @Test
    void expiryIsTheExpClaim() {
        Principal p = hs.authenticate(hs256(spec()));
        assertThat(p.expiresAt()).isEqualTo(NOW.plusSeconds(600));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        Authenticator checked = JwtAuthenticator.create(config(Map.of("AUTH_JWT_SECRET", SECRET,
                "AUTH_JWT_ISSUER", "https://id.example", "AUTH_JWT_AUDIENCE", "project-index-hub")), CLOCK);
        assertThat(checked.authenticate(hs256(spec().withIssuerAndAudience("https://id.example", "project-index-hub")))
                .userId()).isEqualTo("alice");
        assertThatThrownBy(() -> checked.authenticate(hs256(spec()))).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("iss");
        assertThatThrownBy(() -> checked.authenticate(hs256(spec().withIssuerAndAudience("https://evil.example",
                "project-index-hub")))).isInstanceOf(AuthenticationException.class).hasMessageContaining("iss");
        assertThatThrownBy(() -> checked.authenticate(hs256(spec().withIssuerAndAudience("https://id.example",
                "another-service")))).isInstanceOf(AuthenticationException.class).hasMessageContaining("aud");
    }

    @Test
    void aShortRsaKeyAndAnUnsupportedCurveAreRefusedAtStart(@TempDir Path tmp) {
        Path small = TestKeys.writePem(tmp, "small.pem", TestKeys.generate("RSA", 1024));
        assertThatThrownBy(() -> PublicKeys.load(small)).hasMessageContaining("AUTH_JWT_PUBLIC_KEY")
                .hasMessageContaining("1024-bit RSA key");
        assertThatThrownBy(() -> PublicKeys.parse("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n", tmp))
                .hasMessageContaining("'RSA PUBLIC KEY' block");
        assertThatThrownBy(() -> PublicKeys.parse("not a key", tmp)).hasMessageContaining("no PEM block");
        assertThatThrownBy(() -> PublicKeys.load(tmp.resolve("missing.pem"))).hasMessageContaining("cannot be read");
        assertThat(Set.of(PublicKeys.load(rsaPem).algorithm(), PublicKeys.load(ecPem).algorithm()))
                .containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    }
}
