package io.projectindex.hub.server.hub;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.filter.FilterGroups;
import io.projectindex.hub.server.filter.GlobalFilters;
import io.projectindex.hub.server.filter.RelevanceScorer;
import io.projectindex.hub.server.stream.StoredEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The connections owned by one event loop, their subscription index and their filters. Events
 * arrive through {@link #submit} from any thread and are delivered on the loop, in the order
 * submitted, to every connection with an in-scope subscription — each connection at most once
 * per event. Per event the shard computes the event's facts and the global rules' decision once;
 * filters with equal specs share one evaluation per event ({@link FilterGroups}). All other
 * methods are confined to the loop.
 */
public final class Shard {
    private final int index;
    private final Executor loop;
    private final RelevanceScorer scorer;
    private final GlobalFilters global;
    private final FilterGroups groups = new FilterGroups();
    private final SubscriptionIndex subscriptions = new SubscriptionIndex();
    private final Set<Subscriber> members = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Subscriber> targets = new ArrayList<>();

    /** A shard without global rules and with the system clock for relevance (tests). */
    public Shard(int index, Executor loop) {
        this(index, loop, new RelevanceScorer(io.projectindex.hub.server.time.HubClock.SYSTEM), GlobalFilters.NONE);
    }

    /** @param loop runs tasks on this shard's event loop, in submission order */
    public Shard(int index, Executor loop, RelevanceScorer scorer, GlobalFilters global) {
        this.index = index;
        this.loop = loop;
        this.scorer = scorer;
        this.global = global;
    }

    public int index() {
        return index;
    }

    /** Thread-safe: schedules delivery of events (in offset order per project) on the loop. */
    public void submit(List<StoredEvent> events) {
        loop.execute(() -> deliver(events));
    }

    /** Thread-safe: tells the project's listeners on this loop, after the events submitted before it. */
    public void submitReset(StreamReset reset) {
        loop.execute(() -> {
            targets.clear();
            subscriptions.collectTargets(reset.projectId(), targets);
            for (int t = 0; t < targets.size(); t++) {
                targets.get(t).streamReset(reset);
            }
            targets.clear();
        });
    }

    void deliver(List<StoredEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            StoredEvent e = events.get(i);
            targets.clear();
            subscriptions.collectTargets(e.projectId(), targets);
            EventFacts facts = null;
            FilterDecision globalDecision = null;
            for (int t = 0; t < targets.size(); t++) {
                Subscriber s = targets.get(t);
                if (!s.subscriptions().matches(e)) {
                    continue;
                }
                if (facts == null) {
                    facts = scorer.facts(e);
                    globalDecision = global.test(facts);
                }
                s.deliverLive(e, facts, globalDecision);
            }
        }
        targets.clear();
    }

    /** Facts of an event read from history (resume), scored now; and the global rules' decision on them. */
    public EventFacts facts(StoredEvent e) {
        return scorer.facts(e);
    }

    public FilterDecision globalDecision(EventFacts facts) {
        return global.test(facts);
    }

    public GlobalFilters globalFilters() {
        return global;
    }

    /** Distinct filter specs in use on this shard (subscriptions and preferences). */
    public int distinctFilters() {
        return groups.distinct();
    }

    /** Replaces a connection's preferences (shared compiled form with equal preferences). */
    public void setPreferences(Subscriber s, FilterSpec spec) {
        SubscriptionSet set = s.subscriptions();
        set.preferences(spec, groups.replace(set.preferencesGroup(), spec));
    }

    public void attach(Subscriber s) {
        members.add(s);
    }

    public void detach(Subscriber s) {
        members.remove(s);
        SubscriptionSet set = s.subscriptions();
        subscriptions.removeAll(s, set.projects());
        for (Subscription sub : set.all()) {
            sub.detachFilter();
        }
        if (set.preferencesGroup() != null) {
            groups.release(set.preferencesGroup());
            set.preferences(set.preferences(), null);
        }
    }

    /** Thread-safe: runs {@code view} over this shard's connections on its loop (for monitoring). */
    public <T> CompletableFuture<T> inspect(Function<List<Subscriber>, T> view) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(view.apply(members()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    public List<Subscriber> members() {
        return new ArrayList<>(members);
    }

    public int size() {
        return members.size();
    }

    public void subscribe(Subscriber s, Subscription subscription) {
        subscription.attach(groups.subscription(subscription.filters()));
        s.subscriptions().add(subscription);
        subscriptions.sync(s, subscription.projectId());
    }

    public void unsubscribe(Subscriber s, Subscription subscription) {
        subscription.detachFilter();
        s.subscriptions().remove(subscription);
        subscriptions.sync(s, subscription.projectId());
    }

    /** Unsubscribe by scope (see {@link SubscriptionSet#narrow}); returns the ids removed or narrowed. */
    public List<String> narrow(Subscriber s, UUID projectId, Set<EventType> types) {
        List<Subscription> removed = new ArrayList<>();
        List<String> affected = s.subscriptions().narrow(projectId, types, removed);
        for (Subscription r : removed) {
            r.detachFilter();
            subscriptions.sync(s, r.projectId());
        }
        subscriptions.sync(s, null);
        return affected;
    }

    /** Counts for monitoring: projects indexed and wildcard listeners. */
    public int indexedProjects() {
        return subscriptions.projectCount();
    }

    public int wildcardListeners() {
        return subscriptions.wildcardCount();
    }
}
