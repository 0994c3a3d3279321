package io.projectindex.hub.server.config;

import io.projectindex.hub.server.HubServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthConfigTest {
    private static final String SECRET = "a-secret-that-is-long-enough-for-hs256!";

    @Test
    void withNoKeySettingAuthenticationIsOffWithSafeDefaults() {
        AuthConfig a = HubConfig.of(Map.of()).auth();
        assertThat(a.enabled()).isFalse();
        assertThat(a.clockSkew()).isEqualTo(Duration.ofSeconds(AuthConfig.DEFAULT_CLOCK_SKEW_SECONDS));
        assertThat(a.maxConnectionsPerUser()).isEqualTo(AuthConfig.DEFAULT_MAX_CONNECTIONS_PER_USER);
        assertThat(a.handshakesPerSecond()).isEqualTo(AuthConfig.DEFAULT_HANDSHAKES_PER_SECOND);
        assertThat(a.auditDestination()).isEqualTo("off");
        assertThat(a.describe()).isEqualTo("off");
    }

    @Test
    void anyOneKeySettingTurnsAuthenticationOnAndAuditsToStderrByDefault() {
        assertThat(HubConfig.of(Map.of("AUTH_JWT_SECRET", SECRET)).auth().enabled()).isTrue();
        assertThat(HubConfig.of(Map.of("AUTH_JWT_PUBLIC_KEY", "/etc/hub/key.pem")).auth().enabled()).isTrue();
        AuthConfig jwks = HubConfig.of(Map.of("AUTH_JWKS_URL", "https://id.example/.well-known/jwks.json")).auth();
        assertThat(jwks.enabled()).isTrue();
        assertThat(jwks.auditDestination()).isEqualTo("stderr");
        assertThat(HubConfig.of(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", "/var/log/hub/audit.log")).auth()
                .auditDestination()).isEqualTo("/var/log/hub/audit.log");
        assertThat(HubConfig.of(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", "OFF")).auth().auditDestination())
                .isEqualTo("off");
    }

    @Test
    void aShortSecretIsRefusedWithoutPrintingIt() {
        assertThatThrownBy(() -> HubConfig.of(Map.of("AUTH_JWT_SECRET", "short-secret-31-bytes-long-abcd")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AUTH_JWT_SECRET must be at least 32 bytes for HS256, was 31 bytes")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void onlyOneKeySourceMayBeSet() {
        assertThatThrownBy(() -> HubConfig.of(Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_JWT_PUBLIC_KEY", "/k.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY and AUTH_JWKS_URL");
    }

    @Test
    void aJwksUrlMustBeHttpsUnlessItIsLoopback() {
        assertThatThrownBy(() -> HubConfig.of(Map.of("AUTH_JWKS_URL", "http://id.example/jwks.json")))
                .hasMessageContaining("AUTH_JWKS_URL must use https unless its host is loopback");
        assertThatThrownBy(() -> HubConfig.of(Map.of("AUTH_JWKS_URL", "ftp://id.example/jwks.json")))
                .hasMessageContaining("AUTH_JWKS_URL must be an absolute https URL");
        assertThatThrownBy(() -> HubConfig.of(Map.of("AUTH_JWKS_URL", "jwks.json")))
                .hasMessageContaining("AUTH_JWKS_URL must be an absolute https URL");
        assertThat(HubConfig.of(Map.of("AUTH_JWKS_URL", "http://127.0.0.1:9000/jwks.json")).auth().enabled()).isTrue();
        assertThat(HubConfig.of(Map.of("AUTH_JWKS_URL", "http://localhost:9000/jwks.json")).auth().enabled()).isTrue();
    }

    @Test
    void limitsAreRangeChecked() {
        assertThatThrownBy(() -> HubConfig.of(Map.of("AUTH_CLOCK_SKEW_SECONDS", "301")))
                .hasMessageContaining("AUTH_CLOCK_SKEW_SECONDS must be 0..300, was '301'");
        assertThatThrownBy(() -> HubConfig.of(Map.of("WEBSOCKET_HANDSHAKE_RATE", "-1")))
                .hasMessageContaining("WEBSOCKET_HANDSHAKE_RATE must be 0..1000000");
        assertThatThrownBy(() -> HubConfig.of(Map.of("WEBSOCKET_MAX_CONNECTIONS_PER_USER", "many")))
                .hasMessageContaining("WEBSOCKET_MAX_CONNECTIONS_PER_USER must be an integer");
    }

    @Test
    void theSecretNeverAppearsInTheConfigurationsText() {
        HubConfig c = HubConfig.of(Map.of("AUTH_JWT_SECRET", SECRET));
        assertThat(c.toString()).doesNotContain(SECRET).contains("HS256 with a shared secret");
    }

    @Test
    void aNonLoopbackHostWithoutAuthenticationIsRefusedAtStart() {
        assertThatThrownBy(() -> HubServer.start(HubConfig.of(Map.of("HUB_HOST", "0.0.0.0", "HUB_PORT", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a loopback address and authentication is off");
    }
}
