package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A control frame from the server: {@code {type, data, timestamp, correlation_id?}}. Events and
 * batches have their own encodings (see {@code EventCodec}).
 *
 * @param correlationId echoes the request's correlation id; omitted when it had none
 */
@JsonPropertyOrder({"type", "data", "timestamp", "correlation_id"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerMessage(String type, Object data, String timestamp, String correlationId) {
    public static final String WELCOME = "welcome";
    public static final String SUBSCRIPTION_ACK = "subscription_ack";
    public static final String PREFERENCES_ACK = "preferences_ack";
    public static final String PONG = "pong";
    public static final String REPLAY_COMPLETE = "replay_complete";
    public static final String STATS = "stats";
    public static final String ERROR = "error";
    public static final String NOTICE = "notice";
    public static final String REFRESH_ACK = "refresh_ack";
    public static final String BATCH = "batch";
}
