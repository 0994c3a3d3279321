package io.projectindex.hub.server.monitor;

import java.util.List;
import java.util.Locale;

/** How an alert rule compares a metric value with its threshold; the rule is breached when this holds. */
public enum AlertOperator {
    GT(">"), GTE(">="), LT("<"), LTE("<=");

    public static final List<String> WIRE_NAMES = List.of("gt", "gte", "lt", "lte", ">", ">=", "<", "<=");

    private final String symbol;

    AlertOperator(String symbol) {
        this.symbol = symbol;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String symbol() {
        return symbol;
    }

    public boolean breached(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GTE -> value >= threshold;
            case LT -> value < threshold;
            case LTE -> value <= threshold;
        };
    }

    /** The operator written as {@code gt} or {@code >} (and so on), or {@code null}. */
    static AlertOperator fromWire(String text) {
        for (AlertOperator o : values()) {
            if (o.wire().equals(text) || o.symbol.equals(text)) {
                return o;
            }
        }
        return null;
    }
}
