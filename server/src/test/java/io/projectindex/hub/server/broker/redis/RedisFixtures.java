package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.testing.FakeClock;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Map;

/** Builds Redis stores for store-level tests: history stamped with the test's fake clock. */
final class RedisFixtures {
    private RedisFixtures() {
    }

    static RedisHistoryStore store(Vertx vertx, String url, FakeClock clock, DurableHistoryStore durable, int maxEvents,
                                   Duration historyTtl) {
        HubConfig config = HubConfig.of(Map.of("REDIS_URL", url));
        RedisConnector connector = new RedisConnector(vertx, config.redis());
        RedisLink link = new RedisLink(vertx, connector.commandClient(), Duration.ofSeconds(5), connector.describe());
        RedisLog log = new RedisLog(link, new RedisKeys(config.redis().partitions()), false, clock, false, maxEvents,
                historyTtl, Duration.ofHours(1));
        return new RedisHistoryStore(vertx, log, durable, false);
    }
}
