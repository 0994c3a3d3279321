package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery bookkeeping: an event at or before the last delivered one of its project and epoch is dropped. */
class SubscriptionTest {
    private static final UUID P = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID Q = UUID.fromString("22222222-2222-4222-8222-222222222222");
    private static final UUID SESSION = UUID.fromString("33333333-3333-4333-8333-333333333333");

    static Event event(EventType type, UUID project, String epoch, long offset) {
        String data = type == EventType.ANALYSIS_PROGRESS
                ? "{\"project_id\":\"" + project + "\",\"session_id\":\"" + SESSION + "\",\"progress_percentage\":5}"
                : "{\"project_id\":\"" + project + "\",\"status\":\"completed\"}";
        return Event.fromWire(Json.readTree("{\"type\":\"" + type.wire() + "\",\"id\":\"" + UUID.randomUUID()
                + "\",\"data\":" + data + ",\"timestamp\":\"2025-01-15T12:00:00.000Z\",\"offset\":" + offset
                + ",\"epoch\":\"" + epoch + "\"}"));
    }

    @Test
    void aProjectSubscriptionAcceptsEachOffsetOnceAndStartsOverInANewEpoch() {
        Subscription s = new Subscription("s1", SubscribeRequest.forProject(P).build(), e -> { }, null);
        // epoch, offset, accepted
        Object[][] table = {
                {"e1", 5L, true}, {"e1", 6L, true}, {"e1", 6L, false}, {"e1", 3L, false},
                {"e1", 9L, true}, {"e2", 1L, true}, {"e2", 1L, false}, {"e2", 2L, true},
        };
        for (Object[] row : table) {
            Event e = event(EventType.PROJECT_INDEX_UPDATED, P, (String) row[0], (long) row[1]);
            assertThat(s.accept(e)).as("%s:%s", row[0], row[1]).isEqualTo(row[2]);
        }
        assertThat(s.position()).contains(new Position("e2", 2));
    }

    @Test
    void aSubscriptionResumingFromAPositionDropsEverythingUpToIt() {
        Subscription s = new Subscription("s1", SubscribeRequest.forProject(P).resumeFrom("e1", 10).build(), e -> { }, null);

        assertThat(s.position()).contains(new Position("e1", 10));
        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, P, "e1", 10))).isFalse();
        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, P, "e1", 11))).isTrue();
    }

    @Test
    void aProjectLessSubscriptionTracksEachProjectSeparately() {
        Subscription s = new Subscription("s1", SubscribeRequest.allProjects().build(), e -> { }, null);

        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, P, "e1", 4))).isTrue();
        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, Q, "e9", 1))).isTrue();
        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, Q, "e9", 1))).isFalse();
        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, P, "e1", 4))).isFalse();
        assertThat(s.accept(event(EventType.PROJECT_INDEX_UPDATED, P, "e1", 5))).isTrue();
        assertThat(s.position()).isEmpty();
    }

    @Test
    void theScopeOfARequestIsProjectTypesAndSession() {
        SubscribeRequest progressOfP = SubscribeRequest.forProject(P).types(EventType.ANALYSIS_PROGRESS).build();
        SubscribeRequest session = SubscribeRequest.allProjects().session(SESSION).build();
        SubscribeRequest otherSession = SubscribeRequest.allProjects().session(UUID.randomUUID()).build();

        assertThat(progressOfP.covers(event(EventType.ANALYSIS_PROGRESS, P, "e", 1))).isTrue();
        assertThat(progressOfP.covers(event(EventType.PROJECT_INDEX_UPDATED, P, "e", 2))).isFalse();
        assertThat(progressOfP.covers(event(EventType.ANALYSIS_PROGRESS, Q, "e", 1))).isFalse();
        assertThat(session.covers(event(EventType.ANALYSIS_PROGRESS, Q, "e", 1))).isTrue();
        assertThat(session.covers(event(EventType.PROJECT_INDEX_UPDATED, Q, "e", 2))).isFalse();
        assertThat(otherSession.covers(event(EventType.ANALYSIS_PROGRESS, Q, "e", 1))).isFalse();
    }
}
