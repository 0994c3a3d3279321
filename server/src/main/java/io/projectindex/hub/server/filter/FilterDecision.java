package io.projectindex.hub.server.filter;

/**
 * The outcome of filtering one event for one subscription: {@link #PASS}, or the first check
 * that dropped it. {@link #reason()} is a stable, low-cardinality tag for metrics and
 * {@code get_stats}.
 */
public enum FilterDecision {
    PASS("passed"),
    /** A global rule of the server configuration failed. */
    GLOBAL_RULE("global_rule"),
    /** The relevance score is below {@code high_impact_only} (0.7) or the {@code notification_frequency} threshold. */
    RELEVANCE("relevance"),
    /** The event carries languages and none is a preferred language. */
    LANGUAGE("language"),
    /** The event's file path matches an ignored pattern. */
    IGNORED_PATTERN("ignored_pattern"),
    /** A custom rule failed. */
    RULE("rule"),
    /** An {@code analysis_progress} event that crosses no progress step since the last one delivered. */
    PROGRESS_THRESHOLD("progress_threshold");

    private final String reason;

    FilterDecision(String reason) {
        this.reason = reason;
    }

    public boolean passed() {
        return this == PASS;
    }

    /** The metric tag: {@code passed}, {@code global_rule}, {@code relevance}, … */
    public String reason() {
        return reason;
    }
}
