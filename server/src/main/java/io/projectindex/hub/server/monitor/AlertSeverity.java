package io.projectindex.hub.server.monitor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How bad a fired alert is, mildest first. */
public enum AlertSeverity {
    INFO, WARNING, ERROR, CRITICAL;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(AlertSeverity::wire).toList();

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The severity with this wire name, or {@code null}. */
    static AlertSeverity fromWire(String text) {
        for (AlertSeverity s : values()) {
            if (s.wire().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
