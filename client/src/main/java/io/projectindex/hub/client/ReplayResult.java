package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.message.ReplayComplete;

import java.util.List;

/**
 * One {@code replay} answer: the events the hub sent (oldest first, each with {@code replay:true})
 * and its {@code replay_complete} data. {@code complete.hasMore()} means {@code maxEvents} cut the
 * replay; {@code complete.recovered()} false means part of the requested range is gone
 * ({@code complete.reason()}: {@code epoch_changed} or {@code history_expired}).
 */
public record ReplayResult(List<Event> events, ReplayComplete complete) {
    public ReplayResult {
        events = List.copyOf(events);
    }
}
