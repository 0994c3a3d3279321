package io.projectindex.hub.protocol.message;

/** {@code ping}: answered by {@code pong} with the connection's health and the server time. */
public record Ping(String correlationId) implements ClientMessage {
    @Override
    public Action action() {
        return Action.PING;
    }
}
