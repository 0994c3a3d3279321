package io.projectindex.hub.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Authentication, the limits applied at the handshake, and the audit log. Authentication is on
 * when exactly one key source is set: a shared secret (HS256), a public key file (RS256 or ES256,
 * from the key type) or a JWKS URL (RS256/ES256 with key rotation).
 *
 * @param jwtSecret             HS256 shared secret, used as its UTF-8 bytes (at least 32 bytes)
 * @param publicKeyFile         PEM file with an RSA or EC P-256 public key (or a certificate holding one)
 * @param jwksUrl               where the JWKS is fetched; https, or http on a loopback host only
 * @param jwksRefresh           how old the cached JWKS may get before it is re-fetched in the background
 * @param clockSkew             tolerance on {@code exp} and {@code nbf}
 * @param expiryNotice          how long before a connection's token expires it gets a {@code token_expiring} notice (0 = none)
 * @param maxConnectionsPerUser concurrent connections one {@code sub} may hold on this node (0 = unlimited; only with auth on)
 * @param handshakesPerSecond   WebSocket handshakes per second one client IP may make (0 = unlimited)
 * @param handshakeBurst        handshakes one client IP may make at once above that rate
 * @param limitLoopbackHandshakes whether loopback clients are rate limited too (off: a local proxy or load generator
 *                              would otherwise put every client in one bucket)
 * @param auditLog              {@code auto} (stderr with auth on, off without), {@code stderr}, {@code off} or a file path
 */
public record AuthConfig(Optional<String> jwtSecret, Optional<Path> publicKeyFile, Optional<URI> jwksUrl,
                         Duration jwksRefresh, Duration clockSkew, Optional<String> issuer, Optional<String> audience,
                         Duration expiryNotice, int maxConnectionsPerUser, double handshakesPerSecond,
                         int handshakeBurst, boolean limitLoopbackHandshakes, String auditLog) {

    /** HS256 needs a key at least as long as its 256-bit output (RFC 7518 §3.2). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Default tolerance on {@code exp}/{@code nbf}: 5 seconds. */
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 5;
    /** Default age after which the JWKS is re-fetched: 300 seconds. */
    public static final int DEFAULT_JWKS_REFRESH_SECONDS = 300;
    /** Default lead time of the {@code token_expiring} notice: 30 seconds. */
    public static final int DEFAULT_EXPIRY_NOTICE_SECONDS = 30;
    /** Default connections per user on one node: 100. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 100;
    /** Default handshakes per second per client IP: 10. */
    public static final double DEFAULT_HANDSHAKES_PER_SECOND = 10;
    /** Default handshake burst per client IP: 50. */
    public static final int DEFAULT_HANDSHAKE_BURST = 50;

    public static final Setting<String> JWT_SECRET = Setting.secret("AUTH_JWT_SECRET", "--jwt-secret",
            "HS256 shared secret (at least 32 bytes); turns authentication on");
    public static final Setting<String> JWT_PUBLIC_KEY = Setting.text("AUTH_JWT_PUBLIC_KEY", "--jwt-public-key", null,
            "PEM file with an RSA (RS256) or EC P-256 (ES256) public key; turns authentication on");
    public static final Setting<String> JWKS_URL = Setting.text("AUTH_JWKS_URL", "--jwks-url", null,
            "JWKS URL (https; http only on loopback) with RS256/ES256 keys, cached and rotated; turns authentication on");
    public static final Setting<Integer> JWKS_REFRESH_SECONDS = Setting.integer("AUTH_JWKS_REFRESH_SECONDS",
            "--jwks-refresh-seconds", DEFAULT_JWKS_REFRESH_SECONDS, 10, 86_400,
            "age after which the cached JWKS is re-fetched in the background");
    public static final Setting<Integer> CLOCK_SKEW_SECONDS = Setting.integer("AUTH_CLOCK_SKEW_SECONDS",
            "--jwt-clock-skew-seconds", DEFAULT_CLOCK_SKEW_SECONDS, 0, 300, "tolerance on the exp and nbf claims");
    public static final Setting<String> ISSUER = Setting.text("AUTH_JWT_ISSUER", "--jwt-issuer", null,
            "when set, tokens must carry this iss claim");
    public static final Setting<String> AUDIENCE = Setting.text("AUTH_JWT_AUDIENCE", "--jwt-audience", null,
            "when set, tokens must list this value in their aud claim");
    public static final Setting<Integer> EXPIRY_NOTICE_SECONDS = Setting.integer("AUTH_EXPIRY_NOTICE_SECONDS",
            "--token-expiry-notice-seconds", DEFAULT_EXPIRY_NOTICE_SECONDS, 0, 3600,
            "a connection gets a token_expiring notice this long before its token expires (0 = none)");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_USER = Setting.integer(
            "WEBSOCKET_MAX_CONNECTIONS_PER_USER", "--max-connections-per-user", DEFAULT_MAX_CONNECTIONS_PER_USER,
            0, 1_000_000, "concurrent connections one user (token sub) may hold on this node, with auth on (0 = unlimited)");
    public static final Setting<Double> HANDSHAKE_RATE = Setting.decimal("WEBSOCKET_HANDSHAKE_RATE", "--handshake-rate",
            DEFAULT_HANDSHAKES_PER_SECOND, 0, 1_000_000, "WebSocket handshakes per second per client IP (0 = unlimited)");
    public static final Setting<Integer> HANDSHAKE_BURST = Setting.integer("WEBSOCKET_HANDSHAKE_BURST",
            "--handshake-burst", DEFAULT_HANDSHAKE_BURST, 1, 1_000_000, "handshakes a client IP may make at once");
    public static final Setting<Boolean> HANDSHAKE_LIMIT_LOOPBACK = Setting.bool("WEBSOCKET_HANDSHAKE_LIMIT_LOOPBACK",
            "--handshake-limit-loopback", false, "apply the handshake rate limit to loopback clients too");
    public static final Setting<String> AUDIT_LOG = Setting.text("HUB_AUDIT_LOG", "--audit-log", "auto",
            "audit log destination: auto (stderr with auth on, off without), stderr, off, or a file path (JSON lines)");

    public static final List<Setting<?>> SETTINGS = List.of(JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URL, JWKS_REFRESH_SECONDS,
            CLOCK_SKEW_SECONDS, ISSUER, AUDIENCE, EXPIRY_NOTICE_SECONDS, MAX_CONNECTIONS_PER_USER, HANDSHAKE_RATE,
            HANDSHAKE_BURST, HANDSHAKE_LIMIT_LOOPBACK, AUDIT_LOG);

    public AuthConfig {
        List<String> problems = new ArrayList<>();
        int keySources = (jwtSecret.isPresent() ? 1 : 0) + (publicKeyFile.isPresent() ? 1 : 0) + (jwksUrl.isPresent() ? 1 : 0);
        if (keySources > 1) {
            problems.add("only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY and AUTH_JWKS_URL may be set, " + keySources
                    + " were (the hub verifies tokens with exactly one kind of key)");
        }
        jwtSecret.ifPresent(s -> {
            int bytes = s.getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_SECRET_BYTES) {
                problems.add("AUTH_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes for HS256, was " + bytes
                        + " bytes (generate one with: openssl rand -base64 48)");
            }
        });
        jwksUrl.ifPresent(u -> checkJwksUrl(u, problems));
        if (auditLog.isBlank()) {
            problems.add("HUB_AUDIT_LOG must be auto, stderr, off or a file path, was empty");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    static AuthConfig from(SettingValues v) {
        Optional<URI> jwks = v.optional(JWKS_URL).filter(s -> !s.isBlank()).map(AuthConfig::uri);
        return new AuthConfig(v.optional(JWT_SECRET).filter(s -> !s.isEmpty()),
                v.optional(JWT_PUBLIC_KEY).filter(s -> !s.isBlank()).map(Path::of), jwks,
                Duration.ofSeconds(v.get(JWKS_REFRESH_SECONDS)), Duration.ofSeconds(v.get(CLOCK_SKEW_SECONDS)),
                v.optional(ISSUER).filter(s -> !s.isBlank()), v.optional(AUDIENCE).filter(s -> !s.isBlank()),
                Duration.ofSeconds(v.get(EXPIRY_NOTICE_SECONDS)), v.get(MAX_CONNECTIONS_PER_USER),
                v.get(HANDSHAKE_RATE), v.get(HANDSHAKE_BURST), v.get(HANDSHAKE_LIMIT_LOOPBACK), v.get(AUDIT_LOG));
    }

    /** Authentication is on when a key source is configured. */
    public boolean enabled() {
        return jwtSecret.isPresent() || publicKeyFile.isPresent() || jwksUrl.isPresent();
    }

    /** How tokens are verified, for the start-up log (never the secret itself). */
    public String describe() {
        String checks = issuer.map(i -> ", iss=" + i).orElse("") + audience.map(a -> ", aud=" + a).orElse("");
        if (jwtSecret.isPresent()) {
            return "HS256 with a shared secret" + checks;
        }
        if (publicKeyFile.isPresent()) {
            return "public key " + publicKeyFile.get() + checks;
        }
        if (jwksUrl.isPresent()) {
            return "JWKS " + jwksUrl.get() + " (refreshed every " + jwksRefresh.toSeconds() + " s)" + checks;
        }
        return "off";
    }

    /** The audit destination after resolving {@code auto}: {@code stderr}, {@code off} or a path. */
    public String auditDestination() {
        String a = auditLog.trim();
        if (a.equalsIgnoreCase("auto")) {
            return enabled() ? "stderr" : "off";
        }
        String lower = a.toLowerCase(Locale.ROOT);
        return lower.equals("stderr") || lower.equals("off") ? lower : a;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "AuthConfig[" + describe() + ", skew=" + clockSkew.toSeconds() + "s, maxConnectionsPerUser="
                + maxConnectionsPerUser + ", handshakes=" + handshakesPerSecond + "/s burst " + handshakeBurst
                + ", audit=" + auditLog + "]";
    }

    private static URI uri(String text) {
        try {
            return new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException("AUTH_JWKS_URL must be a URL, was '" + text + "': " + e.getReason());
        }
    }

    private static void checkJwksUrl(URI u, List<String> problems) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            problems.add("AUTH_JWKS_URL must be an absolute https URL, was '" + u + "'");
            return;
        }
        if (scheme.equals("http") && !isLoopback(u.getHost())) {
            problems.add("AUTH_JWKS_URL must use https unless its host is loopback (keys fetched over plain http"
                    + " could be replaced in transit), was '" + u + "'");
        }
    }

    /** Literal loopback names only: resolving a host name here would trust DNS for the decision. */
    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }
}
