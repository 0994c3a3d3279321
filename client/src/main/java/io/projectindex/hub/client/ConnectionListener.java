package io.projectindex.hub.client;

import io.projectindex.hub.protocol.message.Notice;
import io.projectindex.hub.protocol.message.Welcome;

import java.time.Duration;

/**
 * Connection-state callbacks of a {@link HubClient}. Every method runs on the client's dispatcher
 * thread, in order with event delivery; a method must not block (and must not wait on a future of
 * the same client). All methods default to doing nothing.
 */
public interface ConnectionListener {

    /** The hub welcomed a connection; {@code reconnected} is false for the first one. */
    default void onConnected(Welcome welcome, boolean reconnected) {
    }

    /**
     * The connection ended. {@code code} is the WebSocket close code (1006 for a network failure
     * without a close frame); {@code willReconnect} says whether the client will try again.
     */
    default void onDisconnected(int code, String reason, boolean willReconnect) {
    }

    /** Attempt {@code attempt} (1-based) will start after {@code delay}. */
    default void onReconnecting(int attempt, Duration delay) {
    }

    /** After a reconnect, every subscription was re-established and every resumed event dispatched. */
    default void onResumed(ResumeSummary summary) {
    }

    /** The hub announced something, e.g. {@code shutdown} before a graceful close. */
    default void onNotice(Notice notice) {
    }

    /** An {@code error} frame that answers no request of this client (e.g. a frame the hub could not read). */
    default void onServerError(HubErrorException error) {
    }
}
