package io.projectindex.hub.server.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ShardTest {
    private final Shard shard = new Shard(0, Runnable::run);
    private final UUID p = UUID.randomUUID();
    private final UUID q = UUID.randomUUID();
    private long offset;

    /** A subscriber that records what the shard hands it. */
    static final class Recorder implements Subscriber {
        final SubscriptionSet set = new SubscriptionSet();
        final List<Long> got = new ArrayList<>();

        @Override
        public SubscriptionSet subscriptions() {
            return set;
        }

        @Override
        public void deliverLive(StoredEvent event, EventFacts facts, FilterDecision global) {
            if (set.evaluate(event, facts, global) == FilterDecision.PASS) {
                got.add(event.offset());
            }
        }
    }

    private StoredEvent event(UUID project, EventType type) {
        ObjectNode data = Json.object().put("project_id", project.toString());
        return new StoredEvent(new NewEvent(type, UUID.randomUUID(), project, data, EventData.view(type, data),
                Json.writeBytes(data), "c", PersistenceLevel.SHORT_TERM, Priority.NORMAL, "h"), Instant.EPOCH, "e", ++offset);
    }

    private Subscription sub(String id, UUID project, EventType... types) {
        return new Subscription(id, types.length == 0 ? EventType.ALL : Set.of(types), project, null, FilterSpec.DEFAULT);
    }

    @Test
    void eachConnectionGetsAnEventOnceEvenWhenSeveralSubscriptionsMatch() {
        Recorder r = new Recorder();
        shard.attach(r);
        shard.subscribe(r, sub("a", p));
        shard.subscribe(r, sub("b", null));
        shard.subscribe(r, sub("c", p, EventType.ANALYSIS_PROGRESS));
        shard.deliver(List.of(event(p, EventType.ANALYSIS_PROGRESS), event(q, EventType.CONTEXT_OPTIMIZED)));
        assertThat(r.got).containsExactly(1L, 2L);
    }

    @Test
    void onlyProjectsAndTypesSubscribedToAreDelivered() {
        Recorder r = new Recorder();
        Recorder other = new Recorder();
        shard.attach(r);
        shard.attach(other);
        shard.subscribe(r, sub("a", p, EventType.DEPENDENCY_CHANGED));
        shard.subscribe(other, sub("x", q));
        shard.deliver(List.of(event(p, EventType.ANALYSIS_PROGRESS), event(p, EventType.DEPENDENCY_CHANGED),
                event(q, EventType.DEPENDENCY_CHANGED)));
        assertThat(r.got).containsExactly(2L);
        assertThat(other.got).containsExactly(3L);
    }

    @Test
    void unsubscribingByScopeNarrowsAndRemovesSubscriptionsAndTheIndexFollows() {
        Recorder r = new Recorder();
        shard.attach(r);
        shard.subscribe(r, sub("a", p, EventType.ANALYSIS_PROGRESS, EventType.DEPENDENCY_CHANGED));
        shard.subscribe(r, sub("b", q, EventType.ANALYSIS_PROGRESS));
        assertThat(shard.narrow(r, null, Set.of(EventType.ANALYSIS_PROGRESS))).containsExactlyInAnyOrder("a", "b");
        assertThat(r.set.all()).extracting(Subscription::id).containsExactly("a");
        assertThat(shard.indexedProjects()).isEqualTo(1);
        shard.deliver(List.of(event(p, EventType.ANALYSIS_PROGRESS), event(p, EventType.DEPENDENCY_CHANGED),
                event(q, EventType.ANALYSIS_PROGRESS)));
        assertThat(r.got).containsExactly(2L);
        assertThat(shard.narrow(r, null, Set.of())).containsExactly("a");
        assertThat(shard.indexedProjects()).isZero();
        shard.detach(r);
        assertThat(shard.size()).isZero();
    }

    @Test
    void sessionScopedSubscriptionsSeeOnlyThatSession() {
        UUID session = UUID.randomUUID();
        Recorder r = new Recorder();
        shard.attach(r);
        shard.subscribe(r, new Subscription("s", EventType.ALL, p, session, FilterSpec.DEFAULT));
        ObjectNode mine = Json.object().put("project_id", p.toString()).put("session_id", session.toString());
        ObjectNode other = Json.object().put("project_id", p.toString()).put("session_id", UUID.randomUUID().toString());
        StoredEvent a = new StoredEvent(new NewEvent(EventType.ANALYSIS_PROGRESS, UUID.randomUUID(), p, mine,
                EventData.view(EventType.ANALYSIS_PROGRESS, mine), Json.writeBytes(mine), "c", PersistenceLevel.SHORT_TERM,
                Priority.NORMAL, "h"), Instant.EPOCH, "e", 7);
        StoredEvent b = new StoredEvent(new NewEvent(EventType.ANALYSIS_PROGRESS, UUID.randomUUID(), p, other,
                EventData.view(EventType.ANALYSIS_PROGRESS, other), Json.writeBytes(other), "c", PersistenceLevel.SHORT_TERM,
                Priority.NORMAL, "h"), Instant.EPOCH, "e", 8);
        shard.deliver(List.of(a, b));
        assertThat(r.got).containsExactly(7L);
    }
}
