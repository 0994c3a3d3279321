package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fan-out message: literal form, round trip, and refusal of malformed messages. */
class EventMessageTest {
    private static final UUID ID = UUID.fromString("3f0c7b9e-0000-4000-8000-000000000001");
    private static final UUID PROJECT = UUID.fromString("9a1b2c3d-0000-4000-8000-000000000002");
    private static final String DATA = "{\"project_id\":\"9a1b2c3d-0000-4000-8000-000000000002\",\"file_path\":\"src/a b\\nc.py\","
            + "\"change_type\":\"modified\",\"note\":\"caf\u00e9\"}";

    private static StoredEvent sample() {
        var data = Json.readTree(DATA);
        NewEvent e = new NewEvent(EventType.DEPENDENCY_CHANGED, ID, PROJECT, data, EventData.view(EventType.DEPENDENCY_CHANGED, data),
                DATA.getBytes(StandardCharsets.UTF_8), "run|42 x", PersistenceLevel.MEDIUM_TERM, Priority.HIGH, "abc123");
        return new StoredEvent(e, Instant.parse("2025-01-15T12:00:00.123Z"), "k3x9q0ab", 42);
    }

    @Test
    void theMessageIsThePositionLinesThenTheBodyThenTheDataVerbatim() {
        String text = new String(EventMessage.encode(sample()), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("k3x9q0ab\n42\n1736942400123\nv1\ndependency_changed\n" + ID + "\n" + PROJECT
                + "\nmedium_term\nhigh\nabc123\nrun|42 x\n" + DATA);
    }

    @Test
    void aDecodedMessageIsTheSameStoredEventWithTheSameWireFrame() {
        StoredEvent original = sample();
        StoredEvent back = EventMessage.decode(EventMessage.encode(original));
        assertThat(back.type()).isEqualTo(EventType.DEPENDENCY_CHANGED);
        assertThat(back.id()).isEqualTo(ID);
        assertThat(back.projectId()).isEqualTo(PROJECT);
        assertThat(back.data()).isEqualTo(original.data());
        assertThat(back.dataJson()).isEqualTo(original.dataJson());
        assertThat(back.correlationId()).isEqualTo("run|42 x");
        assertThat(back.persistence()).isEqualTo(PersistenceLevel.MEDIUM_TERM);
        assertThat(back.priority()).isEqualTo(Priority.HIGH);
        assertThat(back.contentHash()).isEqualTo("abc123");
        assertThat(back.timestamp()).isEqualTo(original.timestamp());
        assertThat(back.position()).isEqualTo(original.position());
        assertThat(back.frame(false)).isEqualTo(original.frame(false));
        assertThat(back.typedData()).isNotNull();
    }

    @Test
    void malformedMessagesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> EventMessage.decode("e\n1\n2\nv1\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("ends after");
        assertThatThrownBy(() -> EventMessage.decode(("e\n1\n2\nv9\na\nb\nc\nd\ne\nf\ng\n{}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("version");
        String bad = new String(EventMessage.encode(sample()), StandardCharsets.UTF_8).replace("\n42\n", "\nforty\n");
        assertThatThrownBy(() -> EventMessage.decode(bad.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("offset");
        String badData = new String(EventMessage.encode(sample()), StandardCharsets.UTF_8).replace(DATA, "{nope");
        assertThatThrownBy(() -> EventMessage.decode(badData.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("JSON");
    }
}
