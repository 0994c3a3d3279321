package io.projectindex.hub.protocol.message;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientMessageDecoderTest {
    private static final String P = "0b8f5a3e-3c1d-4e2f-9a7b-6c5d4e3f2a1b";

    @Test
    void everyPermittedMessageTypeHasExactlyOneAction() {
        java.util.List<String> permitted = Arrays.stream(ClientMessage.class.getPermittedSubclasses()).map(Class::getName).toList();
        assertThat(Arrays.stream(Action.values()).map(a -> a.messageType().getName()).toList())
                .containsExactlyInAnyOrderElementsOf(permitted);
    }

    @Test
    void subscribeIsNormalised() {
        Subscribe s = (Subscribe) ClientMessageDecoder.decode("""
                {"action":"subscribe","correlation_id":"c","event_types":[],"project_id":"%s",
                 "since_offset":7,"epoch":"abc","unknown_extra":1}""".formatted(P));
        assertThat(s.eventTypes()).isEqualTo(EventType.ALL);
        assertThat(s.projectId()).isEqualTo(UUID.fromString(P));
        assertThat(s.sinceOffset()).isEqualTo(7);
        assertThat(s.epoch()).isEqualTo("abc");
        assertThat(s.resumes()).isTrue();
        assertThat(s.correlationId()).isEqualTo("c");
        assertThat(s.filters().isDefault()).isTrue();
    }

    @Test
    void replayDefaultsAndTimeParsing() {
        Replay r = (Replay) ClientMessageDecoder.decode(
                "{\"action\":\"replay\",\"project_id\":\"" + P + "\",\"since\":\"2025-01-15T11:00:00Z\",\"event_types\":[\"project_index_updated\"]}");
        assertThat(r.maxEvents()).isEqualTo(100);
        assertThat(r.since()).isEqualTo(Instant.parse("2025-01-15T11:00:00Z"));
        assertThat(r.eventTypes()).isEqualTo(Set.of(EventType.PROJECT_INDEX_UPDATED));
        assertThat(r.excludeDelivered()).isFalse();
    }

    @Test
    void errorsCarryTheActionAndCorrelationIdOfTheRequest() {
        assertThatThrownBy(() -> ClientMessageDecoder.decode("{\"action\":\"subscribe\",\"correlation_id\":\"z\",\"session_id\":5}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                    assertThat(e.field()).isEqualTo("session_id");
                    assertThat(e.action()).isEqualTo("subscribe");
                    assertThat(e.correlationId()).isEqualTo("z");
                });
        assertThatThrownBy(() -> ClientMessageDecoder.decode("{\"action\":\"jump\",\"correlation_id\":\"q\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION);
                    assertThat(e.correlationId()).isEqualTo("q");
                });
    }

    @Test
    void resumeNeedsAProjectAndOnePositionKind() {
        assertThatThrownBy(() -> ClientMessageDecoder.decode(
                "{\"action\":\"subscribe\",\"project_id\":\"" + P + "\",\"since_offset\":1,\"since\":\"2025-01-15T11:00:00Z\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("since"));
        assertThatThrownBy(() -> ClientMessageDecoder.decode("{\"action\":\"subscribe\",\"since\":\"2025-01-15T11:00:00Z\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("project_id"));
        assertThatThrownBy(() -> ClientMessageDecoder.decode(
                "{\"action\":\"subscribe\",\"project_id\":\"" + P + "\",\"since_offset\":-1}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("since_offset"));
    }
}
