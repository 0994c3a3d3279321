package io.projectindex.hub.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link HubClient} has done so far, as a snapshot.
 *
 * @param eventsDelivered      listener invocations with an event
 * @param duplicatesDropped    events not delivered because their subscription already had them
 *                             (resume overlap after a reconnect)
 * @param listenerErrors       exceptions thrown by listeners (logged; delivery went on)
 * @param malformedFrames      frames from the hub that could not be read (logged and skipped)
 * @param unroutedReplayEvents replayed events that answered no pending resume or replay (dropped)
 * @param reconnects           connections re-established after an unexpected close
 * @param resumeFailures       resubscriptions answered with {@code recovered:false}
 */
public record ClientCounters(long eventsDelivered, long duplicatesDropped, long listenerErrors, long malformedFrames,
                             long unroutedReplayEvents, long reconnects, long resumeFailures) {

    /** The live counters behind the snapshots. Thread-safe. */
    static final class Live {
        final AtomicLong eventsDelivered = new AtomicLong();
        final AtomicLong duplicatesDropped = new AtomicLong();
        final AtomicLong listenerErrors = new AtomicLong();
        final AtomicLong malformedFrames = new AtomicLong();
        final AtomicLong unroutedReplayEvents = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        final AtomicLong resumeFailures = new AtomicLong();

        ClientCounters snapshot() {
            return new ClientCounters(eventsDelivered.get(), duplicatesDropped.get(), listenerErrors.get(),
                    malformedFrames.get(), unroutedReplayEvents.get(), reconnects.get(), resumeFailures.get());
        }
    }
}
