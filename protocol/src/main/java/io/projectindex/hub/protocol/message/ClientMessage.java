package io.projectindex.hub.protocol.message;

/**
 * A message from a client (PROTOCOL §3). Every one gets exactly one reply: its ack or an error
 * echoing {@link #correlationId()}.
 */
public sealed interface ClientMessage permits Subscribe, Unsubscribe, SetPreferences, Replay, Ping, GetStats, Refresh {

    /** The client's correlation id, echoed in the reply; may be null. */
    String correlationId();

    Action action();
}
