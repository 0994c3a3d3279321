package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.stream.StoredEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.projectindex.hub.server.delivery.DeliveryEvents.updated;
import static org.assertj.core.api.Assertions.assertThat;

class LiveLanesTest {
    private static final UUID P = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID Q = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    private final LiveLanes lanes = new LiveLanes();

    @Test
    void anEventAfterItsProjectsLaneEmptiedIsStillQueuedAndPolled() {
        add(updated(P, 1));
        assertThat(lanes.poll().event.offset()).isEqualTo(1); // the lane empties and is dropped
        add(updated(P, 2));
        add(updated(new UUID(P.getMostSignificantBits(), P.getLeastSignificantBits()), 3)); // equal, not the same
        assertThat(lanes.size()).isEqualTo(2);
        assertThat(drain()).containsExactly(2L, 3L);
        assertThat(lanes.isEmpty()).isTrue();
    }

    @Test
    void eventsAlternatingBetweenProjectsKeepOffsetOrderPerProject() {
        add(updated(P, 1));
        add(updated(Q, 1));
        add(updated(P, 2));
        add(updated(Q, 2));
        add(updated(P, 3));
        List<String> order = new ArrayList<>();
        LiveLanes.Entry e;
        while ((e = lanes.poll()) != null) {
            order.add((e.event.projectId().equals(P) ? "P" : "Q") + e.event.offset());
        }
        assertThat(order).containsExactly("P1", "Q1", "P2", "Q2", "P3");
    }

    @Test
    void clearingForgetsTheLanes() {
        add(updated(P, 1));
        assertThat(lanes.clear()).isEqualTo(1);
        add(updated(P, 2));
        assertThat(drain()).containsExactly(2L);
    }

    private void add(StoredEvent e) {
        lanes.add(e, new byte[10], 0, -1);
    }

    private List<Long> drain() {
        List<Long> offsets = new ArrayList<>();
        LiveLanes.Entry e;
        while ((e = lanes.poll()) != null) {
            offsets.add(e.event.offset());
        }
        return offsets;
    }
}
