package io.projectindex.hub.protocol.message;

import java.util.List;

/** {@code welcome.data}: the first frame on every connection. */
public record Welcome(
        String connectionId,
        String userId,
        int protocolVersion,
        String serverVersion,
        String nodeId,
        Capabilities serverCapabilities,
        Limits limits,
        Options options) {

    public static final int PROTOCOL_VERSION = 1;

    /** What this server supports. */
    public record Capabilities(List<String> eventTypes, boolean filtering, boolean batching, boolean compression,
                               boolean replay, boolean resume, boolean rateLimiting) {
    }

    /**
     * Limits of this connection. {@code rateLimit*} describe the outbound event token bucket,
     * {@code inbound*} the limit on client messages.
     */
    public record Limits(int maxMessageBytes, int maxSubscriptions, int rateLimitTokens,
                         double rateLimitRefillPerSecond, double inboundMessagesPerSecond, int inboundBurst) {
    }

    /** The connection options in effect (from the query string). */
    public record Options(boolean batch, String compression, String clientId) {
    }
}
