package io.projectindex.hub.protocol.message;

import io.projectindex.hub.protocol.filter.FilterSpec;

/** {@code set_preferences}: replaces this connection's whole preference object. */
public record SetPreferences(String correlationId, FilterSpec preferences) implements ClientMessage {
    @Override
    public Action action() {
        return Action.SET_PREFERENCES;
    }
}
