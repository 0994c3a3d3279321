package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.message.SubscriptionAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subscriptions of one {@link HubClient}: establishing them on each connection (resuming
 * project subscriptions after their last position), and routing every received event to the
 * subscriptions it belongs to, at most once each. Confined to the dispatcher thread.
 *
 * <p>Design note. Live events go to every active subscription whose scope covers them. Events
 * marked {@code replay:true} answer a request: those after a resuming subscription's ack belong to
 * that subscription only (the hub sends its missed events right after its ack), those after the
 * pong that precedes a {@code replay} belong to that replay; {@link #replyArrived()} ends such a
 * block, because the hub sends a subscription's missed events before its next reply. After the
 * resubscriptions of a connection a ping is sent; its pong means every resumed event has been
 * dispatched, so each subscription's position can move up to the head its ack reported.
 */
final class Subscriptions {
    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

    private final PendingRequests requests;
    private final ClientCounters.Live counters;
    private final ConnectionListener connectionListener;
    private final Map<String, Subscription> byId = new LinkedHashMap<>();
    private volatile List<Subscription> snapshot = List.of();
    private int seq;
    /** Where replayed events go now: a {@link Subscription}, a {@link ReplayCapture}, or nowhere (null). */
    private Object replayTarget;

    Subscriptions(PendingRequests requests, ClientCounters.Live counters, ConnectionListener connectionListener) {
        this.requests = requests;
        this.counters = counters;
        this.connectionListener = connectionListener;
    }

    // ------------------------------------------------------------------ registry

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** True while {@code sub} is registered (not removed). */
    boolean isRegistered(Subscription sub) {
        return byId.get(sub.id()) == sub;
    }

    String nextId() {
        String id;
        do {
            id = "s" + (++seq);
        } while (byId.containsKey(id));
        return id;
    }

    void add(Subscription sub) {
        byId.put(sub.id(), sub);
        snapshot = List.copyOf(byId.values());
    }

    void remove(Subscription sub) {
        sub.phase = Subscription.Phase.REMOVED;
        byId.remove(sub.id());
        snapshot = List.copyOf(byId.values());
    }

    /** The subscriptions in the order they were made; readable from any thread. */
    List<Subscription> snapshot() {
        return snapshot;
    }

    /** Fails every subscription still waiting for its first ack (the client is closing or gave up). */
    void failWaiting(HubException e) {
        for (Subscription sub : byId.values()) {
            sub.acknowledged.completeExceptionally(e);
        }
    }

    // ------------------------------------------------------------------ connection

    /** A connection was welcomed: (re)establish every subscription on it. */
    void establishAll(Session session, boolean reconnected) {
        Resumption round = reconnected ? new Resumption() : null;
        boolean resumes = false;
        for (Subscription sub : new ArrayList<>(byId.values())) {
            resumes |= send(session, sub, round);
        }
        if (round != null || resumes) {
            fence(session, () -> resumeComplete(round));
        }
    }

    /** A subscription made while connected. */
    void establish(Session session, Subscription sub) {
        if (send(session, sub, null)) {
            fence(session, () -> resumeComplete(null));
        }
    }

    /** The connection ended: everything waits for the next one. */
    void connectionLost() {
        replayTarget = null;
        for (Subscription sub : byId.values()) {
            sub.phase = Subscription.Phase.PENDING;
            sub.pendingHead = null;
        }
    }

    /** Sends {@code subscribe} for {@code sub}, resuming when it has a position; true if it resumes. */
    private boolean send(Session session, Subscription sub, Resumption round) {
        SubscribeRequest r = sub.request();
        Position from = null;
        Instant since = null;
        if (r.projectId() != null) {
            if (sub.last != null) {
                from = sub.last;
            } else if (r.since() != null && !sub.sinceUsed) {
                since = r.since();
            }
        }
        boolean resume = from != null || since != null;
        sub.phase = Subscription.Phase.PENDING;
        sub.pendingHead = null;
        Position requested = from;
        requests.send(session, ClientMessages.SUBSCRIBE, ClientMessages.subscribe(sub, from, since),
                new PendingRequests.ReplyHandler() {
                    @Override
                    public void onReply(FrameDecoder.Control reply) {
                        acknowledged(sub, reply, resume, requested, round);
                    }

                    @Override
                    public void onFailure(HubException failure) {
                        refused(session, sub, failure, round);
                    }
                });
        return resume;
    }

    private void acknowledged(Subscription sub, FrameDecoder.Control reply, boolean resume, Position requested,
                              Resumption round) {
        SubscriptionAck ack;
        try {
            ack = Json.fromTree(reply.data(), SubscriptionAck.class);
        } catch (ProtocolException e) {
            log.warn("hub client: unreadable subscription_ack for {}: {}", sub.id(), e.getMessage());
            if (!sub.acknowledged.isDone()) {
                remove(sub);
                sub.acknowledged.completeExceptionally(new HubException("unreadable subscription_ack: " + e.getMessage()));
            }
            return;
        }
        if (sub.phase == Subscription.Phase.REMOVED) {
            return;
        }
        sub.ack(ack);
        sub.phase = Subscription.Phase.ACTIVE;
        Position head = ack.epoch() != null && !ack.epoch().isEmpty() && ack.offset() != null && ack.offset() >= 0
                ? new Position(ack.epoch(), ack.offset()) : null;
        if (!resume) {
            if (sub.request().projectId() != null && head != null) {
                sub.setLast(head);
            }
            if (round != null) {
                round.withoutResume++;
            }
        } else if (!Boolean.FALSE.equals(ack.recovered())) {
            replayTarget = sub;
            sub.pendingHead = head;
            if (round != null) {
                round.recovered++;
            }
        } else {
            ResumeFailure failure = new ResumeFailure(sub.id(), sub.request().projectId(), ack.reason(), requested, head);
            sub.setLast(head);
            sub.sinceUsed = true;
            counters.resumeFailures.incrementAndGet();
            log.warn("hub client: {} resumed with a gap ({}): asked after {}, stream now at {}", sub.id(), ack.reason(),
                    requested, head);
            if (round != null) {
                round.failures.add(failure);
            }
            Callbacks.safely("onResumeFailed", () -> sub.listener().onResumeFailed(failure));
        }
        if (round != null) {
            round.resubscribed++;
        }
        sub.acknowledged.complete(sub);
    }

    private void refused(Session session, Subscription sub, HubException failure, Resumption round) {
        if (failure instanceof HubConnectionException || sub.phase == Subscription.Phase.REMOVED) {
            return; // re-sent on the next connection, or failed by close()
        }
        boolean first = !sub.acknowledged.isDone();
        if (!first && (failure instanceof HubTimeoutException || retryable(failure))) {
            session.abort(Session.ABNORMAL_CLOSE, "re-establishing " + sub.id() + " failed (" + failure.getMessage()
                    + "); reconnecting to try again");
            return;
        }
        remove(sub);
        if (failure instanceof HubTimeoutException && !session.ended()) {
            // the ack may still come: make sure the hub forgets it too
            requests.send(session, ClientMessages.UNSUBSCRIBE, ClientMessages.unsubscribe(sub.id()), PendingRequests.IGNORE);
        }
        if (first) {
            sub.acknowledged.completeExceptionally(failure);
            return;
        }
        HubErrorException error = (HubErrorException) failure;
        log.warn("hub client: the hub refused to re-establish {}: {}", sub.id(), error.getMessage());
        if (round != null) {
            round.lost.add(sub.id());
        }
        Callbacks.safely("onSubscriptionLost", () -> sub.listener().onSubscriptionLost(error));
    }

    /** Refusals that say "not now" rather than "never". */
    private static boolean retryable(HubException failure) {
        if (!(failure instanceof HubErrorException e)) {
            return true;
        }
        return e.error().equals("REPLAY_UNAVAILABLE") || e.error().equals("RATE_LIMITED") || e.error().equals("INTERNAL_ERROR");
    }

    /** Sends a ping whose pong says that everything the hub sent before it has been dispatched. */
    private void fence(Session session, Runnable done) {
        requests.send(session, ClientMessages.PING, ClientMessages.empty(), new PendingRequests.ReplyHandler() {
            @Override
            public void onReply(FrameDecoder.Control reply) {
                done.run();
            }

            @Override
            public void onFailure(HubException failure) {
                if (failure instanceof HubErrorException) {
                    done.run();
                }
            }
        });
    }

    /** Every resumed event was dispatched: positions move up to the heads the acks reported. */
    private void resumeComplete(Resumption round) {
        for (Subscription sub : byId.values()) {
            Position head = sub.pendingHead;
            if (head != null) {
                sub.pendingHead = null;
                if (sub.last == null || sub.last.isBefore(head)) {
                    sub.setLast(head);
                }
                sub.sinceUsed = true;
            }
        }
        if (round != null) {
            ResumeSummary summary = round.summary();
            Callbacks.safely("onResumed", () -> connectionListener.onResumed(summary));
        }
    }

    // ------------------------------------------------------------------ inbound

    /** A reply to one of this client's requests arrived: the block of replayed events before it is over. */
    void replyArrived() {
        replayTarget = null;
    }

    /** Replayed events from now on answer {@code capture}'s replay request. */
    void collectReplay(ReplayCapture capture) {
        replayTarget = capture;
    }

    void route(Event e) {
        if (e.replay()) {
            Object target = replayTarget;
            if (target instanceof ReplayCapture capture && capture.takes(e)) {
                return;
            }
            if (target instanceof Subscription sub && sub.phase == Subscription.Phase.ACTIVE && sub.request().covers(e)) {
                deliver(sub, e);
                return;
            }
            counters.unroutedReplayEvents.incrementAndGet();
            log.debug("hub client: dropped a replayed event that answers no resume or replay ({} {}:{})",
                    e.type().wire(), e.epoch(), e.offset());
            return;
        }
        for (Subscription sub : byId.values()) {
            if (sub.phase == Subscription.Phase.ACTIVE && sub.request().covers(e)) {
                deliver(sub, e);
            }
        }
    }

    private void deliver(Subscription sub, Event e) {
        if (!sub.accept(e)) {
            counters.duplicatesDropped.incrementAndGet();
            return;
        }
        counters.eventsDelivered.incrementAndGet();
        try {
            sub.listener().onEvent(e);
        } catch (RuntimeException ex) {
            counters.listenerErrors.incrementAndGet();
            log.warn("hub client: listener of {} failed on {} {}:{}", sub.id(), e.type().wire(), e.epoch(), e.offset(), ex);
        }
    }

    /** Bookkeeping of one round of resubscriptions after a reconnect. */
    private static final class Resumption {
        int resubscribed;
        int recovered;
        int withoutResume;
        final List<ResumeFailure> failures = new ArrayList<>();
        final List<String> lost = new ArrayList<>();

        ResumeSummary summary() {
            return new ResumeSummary(resubscribed, recovered, withoutResume, failures, lost);
        }
    }
}
