package io.projectindex.hub.protocol.message;

/** {@code refresh}: a new token for the same user, so the connection outlives the old token's expiry. */
public record Refresh(String correlationId, String token) implements ClientMessage {
    @Override
    public Action action() {
        return Action.REFRESH;
    }
}
