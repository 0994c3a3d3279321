package io.projectindex.hub.server.hub;

import io.projectindex.hub.protocol.EventType;
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
 * The connections owned by one event loop and their subscription index. Events arrive through
 * {@link #submit} from any thread and are delivered on the loop, in the order submitted, to every
 * connection with a matching subscription — each connection at most once per event. All other
 * methods are confined to the loop.
 */
public final class Shard {
    private final int index;
    private final Executor loop;
    private final SubscriptionIndex subscriptions = new SubscriptionIndex();
    private final Set<Subscriber> members = Collections.newSetFromMap(new IdentityHashMap<>());

    /** @param loop runs tasks on this shard's event loop, in submission order */
    public Shard(int index, Executor loop) {
        this.index = index;
        this.loop = loop;
    }

    public int index() {
        return index;
    }

    /** Thread-safe: schedules delivery of events (in offset order per project) on the loop. */
    public void submit(List<StoredEvent> events) {
        loop.execute(() -> deliver(events));
    }

    void deliver(List<StoredEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            StoredEvent e = events.get(i);
            subscriptions.forEachTarget(e.projectId(), s -> {
                if (s.subscriptions().matches(e)) {
                    s.deliverLive(e);
                }
            });
        }
    }

    public void attach(Subscriber s) {
        members.add(s);
    }

    public void detach(Subscriber s) {
        members.remove(s);
        subscriptions.removeAll(s, s.subscriptions().projects());
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
        s.subscriptions().add(subscription);
        subscriptions.sync(s, subscription.projectId());
    }

    public void unsubscribe(Subscriber s, Subscription subscription) {
        s.subscriptions().remove(subscription);
        subscriptions.sync(s, subscription.projectId());
    }

    /** Unsubscribe by scope (see {@link SubscriptionSet#narrow}); returns the ids removed or narrowed. */
    public List<String> narrow(Subscriber s, UUID projectId, Set<EventType> types) {
        List<Subscription> removed = new ArrayList<>();
        List<String> affected = s.subscriptions().narrow(projectId, types, removed);
        for (Subscription r : removed) {
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
