package io.projectindex.hub.client;

/** The life of a {@link HubClient}'s connection. */
public enum ConnectionState {
    /** Created; {@link HubClient#connect()} not called yet, or the first attempt failed. */
    NEW,
    /** The first connection is being opened. */
    CONNECTING,
    /** Open and welcomed by the hub. */
    CONNECTED,
    /** Lost unexpectedly; waiting for the next attempt or opening it. */
    RECONNECTING,
    /** Closed by the application, or reconnection gave up. Final. */
    CLOSED
}
