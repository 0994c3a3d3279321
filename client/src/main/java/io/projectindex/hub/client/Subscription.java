package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.message.SubscriptionAck;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A subscription of a {@link HubClient}: what it asked for, its listener, and how far it got.
 * It survives reconnects: the client re-establishes it with the same id, resuming a
 * project-scoped subscription after the last position it delivered.
 *
 * <p>Public methods are thread-safe. The delivery state (phase, positions) is confined to the
 * client's dispatcher thread; {@link #position()} and {@link #ack()} read published copies.
 */
public final class Subscription {
    /** Project-less subscriptions remember the last position of this many projects (least recently used go first). */
    static final int MAX_TRACKED_PROJECTS = 10_000;

    enum Phase { PENDING, ACTIVE, REMOVED }

    private final String id;
    private final SubscribeRequest request;
    private final EventListener listener;
    private final HubClient client;
    final CompletableFuture<Subscription> acknowledged = new CompletableFuture<>();

    // dispatcher thread only
    Phase phase = Phase.PENDING;
    /** Project-scoped: everything up to here was delivered (or precedes the subscription). */
    Position last;
    /** Stream head from a resume ack; becomes {@link #last} once the resumed events are all dispatched. */
    Position pendingHead;
    /** The time-based start of the request was used up (a position replaced it). */
    boolean sinceUsed;
    private Map<UUID, Position> lastByProject;

    private volatile Position published;
    private volatile SubscriptionAck ack;

    Subscription(String id, SubscribeRequest request, EventListener listener, HubClient client) {
        this.id = id;
        this.request = request;
        this.listener = listener;
        this.client = client;
        this.last = request.resumeFrom();
        this.published = last;
    }

    /** The id used on the wire (the request's, or one the client chose). */
    public String id() {
        return id;
    }

    public SubscribeRequest request() {
        return request;
    }

    EventListener listener() {
        return listener;
    }

    /** The latest {@code subscription_ack} the hub sent for it (null before the first). */
    public SubscriptionAck ack() {
        return ack;
    }

    void ack(SubscriptionAck value) {
        this.ack = value;
    }

    /**
     * For a project subscription, the position it would resume after: the last event delivered,
     * or the stream position when it was (re)established if nothing was delivered since.
     */
    public Optional<Position> position() {
        return Optional.ofNullable(published);
    }

    /** Removes this subscription; completes when the hub confirmed (at once when not connected). */
    public CompletableFuture<Void> unsubscribe() {
        return client.unsubscribe(this);
    }

    void setLast(Position p) {
        last = p;
        published = p;
    }

    /**
     * True if {@code e} should go to the listener: never an event at or before the last one
     * delivered for its project in the same epoch (a new epoch starts over). Records it as delivered.
     */
    boolean accept(Event e) {
        if (e.epoch() == null || e.epoch().isEmpty() || e.offset() < 0) {
            return true; // no position to track (not sent by a hub following the protocol)
        }
        Position p = new Position(e.epoch(), e.offset());
        if (request.projectId() != null) {
            if (last != null && last.epoch().equals(p.epoch()) && p.offset() <= last.offset()) {
                return false;
            }
            setLast(p);
            return true;
        }
        if (lastByProject == null) {
            lastByProject = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, Position> eldest) {
                    return size() > MAX_TRACKED_PROJECTS;
                }
            };
        }
        Position before = lastByProject.get(e.projectId());
        if (before != null && before.epoch().equals(p.epoch()) && p.offset() <= before.offset()) {
            return false;
        }
        lastByProject.put(e.projectId(), p);
        return true;
    }

    @Override
    public String toString() {
        return "Subscription[" + id + ", project=" + (request.projectId() == null ? "*" : request.projectId())
                + ", types=" + (request.eventTypes().isEmpty() ? "*" : request.eventTypes()) + "]";
    }
}
