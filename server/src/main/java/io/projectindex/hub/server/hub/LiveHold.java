package io.projectindex.hub.server.hub;

import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Confined to the subscriber's event loop. The seam of a resume (PROTOCOL §4): while a
 * subscription of one project is being positioned, that project's live events for the subscriber
 * are held here (unfiltered, with their facts and the global rules' decision); once the missed
 * events have been read from history, both are released merged by offset — an offset in both is
 * sent once, as replayed — and each is filtered in that order, so progress thresholds see events
 * in stream order. The subscriber registers its subscription before it starts reading history, so
 * nothing falls between the two. When nothing old is sent (a plain subscribe, or a resume that
 * was not recovered) and the subscriber had no other view of the project, held events at or
 * before the acknowledged position are dropped: the client starts after it.
 */
public final class LiveHold {

    /** Where released events go, with the subscriber's filter decision; replayed ones are marked. */
    @FunctionalInterface
    public interface Target {
        /** {@code decision} is null when no subscription has the event in scope. */
        void send(StoredEvent event, FilterDecision decision, boolean replay);
    }

    private record Held(StoredEvent event, EventFacts facts, FilterDecision global) {
    }

    private final UUID projectId;
    private final boolean fresh;
    private final List<Held> events = new ArrayList<>();

    /** @param fresh no other subscription of the subscriber saw this project's live events before */
    public LiveHold(UUID projectId, boolean fresh) {
        this.projectId = projectId;
        this.fresh = fresh;
    }

    public UUID projectId() {
        return projectId;
    }

    /** True for the held project's events: pass them to {@link #add} instead of delivering them. */
    public boolean holds(StoredEvent e) {
        return projectId.equals(e.projectId());
    }

    /** Holds a live event; returns how many are held now (the caller bounds it). */
    public int add(StoredEvent event, EventFacts facts, FilterDecision global) {
        events.add(new Held(event, facts, global));
        return events.size();
    }

    /**
     * Sends the {@code missed} events of {@code resumed} (offset order, from history) and the held
     * live events merged by offset to {@code target}, filtered by {@code subscriptions}: held events
     * as live deliveries for every subscription, missed ones for the resumed subscription only.
     */
    public void release(SubscriptionSet subscriptions, Shard shard, Subscription resumed, List<StoredEvent> missed,
                        StreamPosition startsAfter, Target target) {
        if (startsAfter != null && fresh) {
            // Nothing old is sent: held events at or before the acknowledged position are behind the client's start.
            events.removeIf(held -> held.event().epoch().equals(startsAfter.epoch())
                    && held.event().offset() <= startsAfter.offset());
        }
        int i = 0;
        int j = 0;
        while (i < missed.size() || j < events.size()) {
            long mo = i < missed.size() ? missed.get(i).offset() : Long.MAX_VALUE;
            long lo = j < events.size() ? events.get(j).event().offset() : Long.MAX_VALUE;
            if (lo <= mo) {
                Held held = events.get(j++);
                if (lo == mo) {
                    i++;
                }
                target.send(held.event(), subscriptions.evaluate(held.event(), held.facts(), held.global()), lo == mo);
            } else {
                StoredEvent e = missed.get(i++);
                EventFacts facts = shard.facts(e);
                target.send(e, subscriptions.evaluate(resumed, e, facts, shard.globalDecision(facts)), true);
            }
        }
        events.clear();
    }
}
