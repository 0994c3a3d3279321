package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.config.HubConfig;

import java.util.Map;

/** Delivery policies for tests: the defaults, with the knobs a test turns. */
final class Policies {
    static final long MS = 1_000_000L;

    private Policies() {
    }

    /** The default settings (bucket 100 / 10 per s, batches of 10 / 100 ms / 8 KiB, 1000 events / 1 MiB). */
    static DeliveryPolicy defaults(boolean batch, boolean gzip) {
        return DeliveryPolicy.of(HubConfig.of(Map.of()).delivery(), batch, gzip);
    }

    /** No bucket, no batching, no gzip. */
    static DeliveryPolicy plain() {
        return rateLimit(defaults(false, false), 0, 0);
    }

    static DeliveryPolicy rateLimit(DeliveryPolicy p, int tokens, double refillPerSecond) {
        return new DeliveryPolicy(p.batch(), p.gzip(), p.batchSize(), p.batchTimeNanos(), p.batchMaxBytes(),
                p.maxQueuedEvents(), p.maxQueuedBytes(), p.maxReplayBytes(), p.compressionThreshold(), tokens,
                refillPerSecond);
    }

    static DeliveryPolicy bounds(DeliveryPolicy p, int maxEvents, long maxBytes, long maxReplayBytes) {
        return new DeliveryPolicy(p.batch(), p.gzip(), p.batchSize(), p.batchTimeNanos(), p.batchMaxBytes(),
                maxEvents, maxBytes, maxReplayBytes, p.compressionThreshold(), p.rateLimitTokens(),
                p.rateLimitRefillPerSecond());
    }
}
