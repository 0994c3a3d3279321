package io.projectindex.hub.server.monitor;

import java.util.List;

/**
 * A monitoring query the caller got wrong (unknown metric name, window out of range). The REST
 * layer maps it to 400 {@code INVALID_FIELD} with {@link #parameter()} and {@link #allowed()} in the
 * details; it is never a server error.
 */
public final class MonitorQueryException extends IllegalArgumentException {
    private final String parameter;
    private final List<String> allowed;

    public MonitorQueryException(String parameter, String message, List<String> allowed) {
        super(message);
        this.parameter = parameter;
        this.allowed = List.copyOf(allowed);
    }

    static MonitorQueryException unknownMetric(String parameter, String name) {
        return new MonitorQueryException(parameter, parameter + " '" + name + "' is not a monitored metric; allowed: "
                + String.join(", ", MonitoredMetric.WIRE_NAMES), MonitoredMetric.WIRE_NAMES);
    }

    /** The query parameter at fault, e.g. {@code metric_name}. */
    public String parameter() {
        return parameter;
    }

    /** The values the parameter accepts, when they are a closed set; empty otherwise. */
    public List<String> allowed() {
        return allowed;
    }
}
