package io.projectindex.hub.client;

import java.util.List;

/**
 * How re-establishing the subscriptions went after a reconnect, reported once every
 * resubscription was answered and every resumed event was dispatched.
 *
 * @param resubscribed   subscriptions re-established
 * @param recovered      project subscriptions that resumed with no gap
 * @param withoutResume  subscriptions re-established from "now": project-less ones, and project ones
 *                       that had no position yet
 * @param failures       project subscriptions that could not resume (each also reported to its listener)
 * @param lost           subscriptions the hub refused on resubscribe (each reported to its listener and removed)
 */
public record ResumeSummary(int resubscribed, int recovered, int withoutResume, List<ResumeFailure> failures,
                            List<String> lost) {
    public ResumeSummary {
        failures = List.copyOf(failures);
        lost = List.copyOf(lost);
    }

    /** True when every subscription is back with no gap. */
    public boolean complete() {
        return failures.isEmpty() && lost.isEmpty();
    }
}
