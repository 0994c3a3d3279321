package io.projectindex.hub.protocol.message;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code action} of a client message (PROTOCOL §3), one per {@link ClientMessage} subtype. */
public enum Action {
    SUBSCRIBE(Subscribe.class),
    UNSUBSCRIBE(Unsubscribe.class),
    SET_PREFERENCES(SetPreferences.class),
    REPLAY(Replay.class),
    PING(Ping.class),
    GET_STATS(GetStats.class),
    REFRESH(Refresh.class);

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(Action::wire).toList();

    private final Class<? extends ClientMessage> messageType;

    Action(Class<? extends ClientMessage> messageType) {
        this.messageType = messageType;
    }

    public Class<? extends ClientMessage> messageType() {
        return messageType;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Action> fromWire(String value) {
        return Arrays.stream(values()).filter(a -> a.wire().equals(value)).findFirst();
    }
}
