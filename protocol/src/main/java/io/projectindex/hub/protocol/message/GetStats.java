package io.projectindex.hub.protocol.message;

/** {@code get_stats}: answered by {@code stats} with this connection's counters. */
public record GetStats(String correlationId) implements ClientMessage {
    @Override
    public Action action() {
        return Action.GET_STATS;
    }
}
