package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryPolicyTest {

    @Test
    void thePolicyCombinesTheNodesSettingsWithTheClientsOptions() {
        HubConfig config = HubConfig.of(Map.of("WEBSOCKET_BATCH_TIME_MS", "50", "WEBSOCKET_RATE_LIMIT_TOKENS", "0",
                "WEBSOCKET_CONNECTION_REPLAY_QUEUE_BYTES", "100000"));

        DeliveryPolicy p = DeliveryPolicy.of(config.delivery(), true, true);

        assertThat(p.batch()).isTrue();
        assertThat(p.gzip()).isTrue();
        assertThat(p.batchSize()).isEqualTo(10);
        assertThat(p.batchTimeNanos()).isEqualTo(50_000_000L);
        assertThat(p.batchMaxBytes()).isEqualTo(8192);
        assertThat(p.maxQueuedEvents()).isEqualTo(1000);
        assertThat(p.maxQueuedBytes()).isEqualTo(1024 * 1024);
        assertThat(p.maxReplayBytes()).isEqualTo(100_000);
        assertThat(p.compressionThreshold()).isEqualTo(1024);
        assertThat(p.rateLimited()).isFalse();
        assertThat(Policies.defaults(false, false).rateLimited()).isTrue();
    }

    @Test
    void theNewSettingsHaveDocumentedDefaultsAndNameThemselvesWhenInvalid() {
        HubConfig defaults = HubConfig.of(Map.of());
        assertThat(defaults.delivery().connectionReplayQueueBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(defaults.websocket().inboundAbuseRejections()).isEqualTo(20);
        assertThat(defaults.websocket().inboundAbuseWindow()).isEqualTo(Duration.ofSeconds(10));

        assertThatThrownBy(() -> HubConfig.of(Map.of("WEBSOCKET_INBOUND_ABUSE_REJECTIONS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WEBSOCKET_INBOUND_ABUSE_REJECTIONS");
        assertThatThrownBy(() -> HubConfig.of(Map.of("WEBSOCKET_CONNECTION_REPLAY_QUEUE_BYTES", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WEBSOCKET_CONNECTION_REPLAY_QUEUE_BYTES");
    }

    @Test
    void anImpossiblePolicyIsRefusedWithItsValue() {
        DeliveryPolicy p = Policies.plain();
        assertThatThrownBy(() -> new DeliveryPolicy(false, false, 0, 0, 8192, 1, 1, 1, 0, 0, 0))
                .hasMessage("batchSize must be >= 1, was 0");
        assertThat(p.withBatch(true).batch()).isTrue();
        assertThat(p.withGzip(true).gzip()).isTrue();
    }
}
