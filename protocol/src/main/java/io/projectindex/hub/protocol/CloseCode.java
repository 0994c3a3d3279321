package io.projectindex.hub.protocol;

import java.util.Arrays;
import java.util.Optional;

/** WebSocket close codes the hub uses, with the reason text it sends and what a client should do. */
public enum CloseCode {
    NORMAL(1000, "normal closure", "nothing"),
    GOING_AWAY(1001, "server shutting down", "reconnect elsewhere and resume"),
    PROTOCOL_ERROR(1002, "WebSocket protocol error", "fix the client"),
    INVALID_PAYLOAD(1007, "text frame is not valid UTF-8", "fix the client"),
    MESSAGE_TOO_BIG(1009, "message too large", "fix the client"),
    PING_TIMEOUT(4000, "ping timeout", "reconnect and resume"),
    TOKEN_EXPIRED(4001, "token expired", "get a new token, reconnect and resume"),
    SLOW_CONSUMER(4008, "slow consumer: outbound queue overflowed", "reconnect and resume from the last offset"),
    STREAM_RESET(4010, "stream reset: events were lost before reaching this node, or the stream restarted",
            "reconnect and resume from the last offset; the resume's recovered flag says what was lost"),
    LIMIT_REACHED(4029, "connection limit reached or repeated rate-limit abuse", "back off and retry later");

    private final int code;
    private final String reason;
    private final String clientAction;

    CloseCode(int code, String reason, String clientAction) {
        this.code = code;
        this.reason = reason;
        this.clientAction = clientAction;
    }

    public int code() {
        return code;
    }

    /** The close reason sent in the close frame (at most 123 bytes). */
    public String reason() {
        return reason;
    }

    public String clientAction() {
        return clientAction;
    }

    public static Optional<CloseCode> fromCode(int code) {
        return Arrays.stream(values()).filter(c -> c.code == code).findFirst();
    }
}
