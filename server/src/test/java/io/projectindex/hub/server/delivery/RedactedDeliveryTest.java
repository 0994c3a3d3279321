package io.projectindex.hub.server.delivery;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.redact.Redaction;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbound queue sends a connection's view of each event: live, replayed, batched and gzip
 * frames of a redacted connection all lack the redacted fields, and each form is encoded once
 * per event and shared by every connection that receives it.
 */
class RedactedDeliveryTest {
    private final FakeClock clock = new FakeClock();
    private final QueueBudget budget = new QueueBudget(10_000);
    private final UUID project = UUID.randomUUID();
    private final Redaction redaction = Redaction.parse(Json.toTree(List.of("dependency_changed.secret")), true);
    private final EventView redacted = redaction.view(new Principal("bob", true, Set.of(), Set.of("events:read"), null));

    /** A dependency_changed event with {@code padBytes} of compressible text and a secret to redact. */
    private StoredEvent event(long offset, int padBytes) {
        return DeliveryEvents.of(EventType.DEPENDENCY_CHANGED, """
                {"project_id":"%s","file_path":"src/a.py","change_type":"modified","note":"%s","secret":"s3cr3t"}"""
                .formatted(project, "x".repeat(padBytes)), null, offset);
    }

    private static String text(OutboundFrame f) {
        return new String(FakeSink.json(f), StandardCharsets.UTF_8);
    }

    @Test
    void liveReplayedAndBatchedFramesOfARedactedConnectionLackTheFieldAndAdminsGetItAll() {
        FakeSink sink = new FakeSink(clock);
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.defaults(true, false), 0, 0).withView(redacted), budget);
        FakeSink adminSink = new FakeSink(clock);
        OutboundQueue admin = adminSink.attach(Policies.rateLimit(Policies.defaults(true, false), 0, 0), budget);
        StoredEvent first = event(1, 500);
        q.offerLive(first);
        admin.offerLive(first);
        sink.full = true;
        for (long o = 2; o <= 4; o++) {
            q.offerLive(event(o, 500));
        }
        q.offerReplay(event(5, 500));
        sink.drain();
        sink.advanceMillis(200);

        assertThat(sink.written).extracting(OutboundFrame::events).contains(3);
        assertThat(sink.written).allSatisfy(f -> assertThat(text(f)).doesNotContain("s3cr3t").contains("src/a.py"));
        assertThat(text(adminSink.written.get(0))).contains("s3cr3t");
        assertThat(sink.written.get(0).bytes()).as("the redacted envelope is the event's cached one")
                .isSameAs(redacted.of(first).frame(false));
    }

    @Test
    void everyRedactedGzipConnectionSharesOneCompressedFormOfAnEvent() {
        DeliveryPolicy gzip = Policies.rateLimit(Policies.defaults(false, true), 0, 0);
        FakeSink a = new FakeSink(clock);
        FakeSink b = new FakeSink(clock);
        FakeSink full = new FakeSink(clock);
        OutboundQueue qa = a.attach(gzip.withView(redacted), budget);
        OutboundQueue qb = b.attach(gzip.withView(redacted), budget);
        OutboundQueue qf = full.attach(gzip, budget);
        StoredEvent large = event(1, 4000);
        qa.offerLive(large);
        qb.offerLive(large);
        qf.offerLive(large);
        assertThat(a.written.get(0).binary()).isTrue();
        assertThat(a.written.get(0).bytes()).isSameAs(b.written.get(0).bytes());
        assertThat(full.written.get(0).bytes()).isNotSameAs(a.written.get(0).bytes());
        assertThat(text(a.written.get(0))).doesNotContain("s3cr3t");
        assertThat(text(full.written.get(0))).contains("s3cr3t");
    }

    @Test
    void aChangedViewAppliesToEventsOfferedAfterIt() {
        FakeSink sink = new FakeSink(clock);
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        q.offerLive(event(1, 500));
        q.view(redacted);
        q.offerLive(event(2, 500));
        q.view(EventView.FULL);
        q.offerLive(event(3, 500));
        assertThat(sink.written).extracting(f -> text(f).contains("s3cr3t")).containsExactly(true, false, true);
    }
}
