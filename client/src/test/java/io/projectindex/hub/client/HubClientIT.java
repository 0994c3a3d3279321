package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.protocol.data.ProjectIndexUpdatedData;
import io.projectindex.hub.protocol.message.Pong;
import io.projectindex.hub.protocol.message.ReplayComplete;
import io.projectindex.hub.protocol.message.Welcome;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SDK against a real hub: connect, typed subscriptions, publish, replay, requests. */
class HubClientIT {
    private static final Duration QUIET = Duration.ofMillis(300);
    private static TestHub hub;
    private final List<HubClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (HubClient c : clients) {
            c.close();
            c.closed().get(10, TimeUnit.SECONDS);
        }
    }

    private HubClient client(ClientOptions.Builder options) {
        HubClient c = HubClient.create(options.build());
        clients.add(c);
        return c;
    }

    private HubClient connected() throws Exception {
        HubClient c = client(ClientOptions.builder(hub.baseUrl()));
        c.connect().get(15, TimeUnit.SECONDS);
        return c;
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void connectCompletesWithTheWelcomeAndTheConnectionOptions() throws Exception {
        HubClient c = client(ClientOptions.builder(hub.baseUrl()).clientId("ide-7"));
        assertThat(c.state()).isEqualTo(ConnectionState.NEW);

        Welcome w = await(c.connect());

        assertThat(w.protocolVersion()).isEqualTo(1);
        assertThat(w.connectionId()).isNotBlank();
        assertThat(w.options().clientId()).isEqualTo("ide-7");
        assertThat(w.serverCapabilities().resume()).isTrue();
        assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(c.welcome()).contains(w);
        assertThat(await(c.connect())).isSameAs(w);
    }

    @Test
    void typedListenersReceiveExactlyTheSubscribedTypesOfTheirProject() throws Exception {
        UUID project = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        HubClient c = connected();
        List<Double> progress = Collections.synchronizedList(new ArrayList<>());
        List<String> updates = Collections.synchronizedList(new ArrayList<>());
        RecordingListener unexpected = new RecordingListener();
        RecordingListener all = new RecordingListener();
        EventListener typed = EventListener.builder()
                .onAnalysisProgress((e, p) -> {
                    progress.add(p.progressPercentage());
                    all.onEvent(e);
                })
                .onProjectIndexUpdated((e, u) -> {
                    updates.add(u.status().wire() + "/" + u.projectId());
                    all.onEvent(e);
                })
                .otherwise(unexpected::onEvent)
                .build();

        Subscription sub = await(c.subscribe(SubscribeRequest.forProject(project)
                .types(EventType.PROJECT_INDEX_UPDATED, EventType.ANALYSIS_PROGRESS).build(), typed));
        assertThat(sub.id()).isEqualTo("s1");
        assertThat(sub.ack().eventTypes()).containsExactlyInAnyOrder(EventType.PROJECT_INDEX_UPDATED, EventType.ANALYSIS_PROGRESS);
        assertThat(sub.position()).map(Position::offset).contains(0L);

        hub.publish(Events.dependency(project, "src/a.py"));
        hub.publish(Events.updated(other));
        hub.publish(Events.progress(project, session, 10));
        hub.publish(Events.context(project));
        hub.publish(Events.progress(other, session, 20));
        hub.publish(Events.updated(project));

        List<Event> got = all.await(2);
        assertThat(got).extracting(Event::type).containsExactly(EventType.ANALYSIS_PROGRESS, EventType.PROJECT_INDEX_UPDATED);
        assertThat(got).extracting(Event::projectId).containsOnly(project);
        assertThat(got).extracting(Event::offset).containsExactly(2L, 4L);
        assertThat(progress).containsExactly(10.0);
        assertThat(updates).containsExactly("completed/" + project);
        all.assertNoMore(QUIET);
        unexpected.assertNoMore(Duration.ZERO);
        assertThat(sub.position()).map(Position::offset).contains(4L);
    }

    @Test
    void eventsPublishedThroughTheSdkArriveWithTheAcceptedPositions() throws Exception {
        UUID project = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        HubClient c = connected();
        RecordingListener listener = new RecordingListener();
        await(c.subscribe(SubscribeRequest.forProject(project).build(), listener));

        Accepted one = await(c.publish(OutgoingEvent.of(EventType.ANALYSIS_PROGRESS,
                Json.readTree(Events.progress(project, session, 25)).get("data")).withCorrelationId("run-1")));
        List<Accepted> many = await(c.publish(List.of(
                OutgoingEvent.of(EventType.PROJECT_INDEX_UPDATED, Json.readTree(Events.updated(project)).get("data").toString()),
                OutgoingEvent.of(EventType.ANALYSIS_PROGRESS, Json.readTree(Events.progress(project, session, 50)).get("data")))));

        assertThat(one.offset()).isEqualTo(1);
        assertThat(one.projectId()).isEqualTo(project);
        assertThat(many).extracting(Accepted::offset).containsExactly(2L, 3L);
        assertThat(many).extracting(Accepted::epoch).containsOnly(one.epoch());
        List<Event> got = listener.await(3);
        assertThat(got).extracting(Event::id).containsExactly(one.id(), many.get(0).id(), many.get(1).id());
        assertThat(got.get(0).correlationId()).isEqualTo("run-1");
        assertThat(got.get(2).data(AnalysisProgressData.class)).get()
                .extracting(AnalysisProgressData::progressPercentage).isEqualTo(50.0);
    }

    @Test
    void replayReturnsStoredEventsToTheCallerAndReplayAllPagesThroughTheWholeHistory() throws Exception {
        UUID project = UUID.randomUUID();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            bodies.add(i % 5 == 0 ? Events.updated(project) : Events.progress(project, UUID.randomUUID(), i));
        }
        hub.publish(Events.batch(bodies));
        HubClient c = connected();
        RecordingListener live = new RecordingListener();
        await(c.subscribe(SubscribeRequest.forProject(project).build(), live));

        ReplayResult first = await(c.replay(ReplayRequest.fromStart(project).withMaxEvents(10)));
        assertThat(first.events()).extracting(Event::offset).containsExactlyElementsOf(range(1, 10));
        assertThat(first.events()).allMatch(Event::replay);
        assertThat(first.complete().hasMore()).isTrue();
        assertThat(first.complete().toOffset()).isEqualTo(10);

        ReplayResult updates = await(c.replay(ReplayRequest.after(project, new Position(first.complete().epoch(), 3))
                .withTypes(EventType.PROJECT_INDEX_UPDATED)));
        assertThat(updates.events()).extracting(Event::offset).containsExactly(6L, 11L, 16L, 21L);

        List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
        ReplayComplete all = await(c.replayAll(ReplayRequest.fromStart(project).withMaxEvents(7), e -> offsets.add(e.offset())));
        assertThat(offsets).containsExactlyElementsOf(range(1, 25));
        assertThat(all.eventsReplayed()).isEqualTo(25);
        assertThat(all.fromOffset()).isEqualTo(1);
        assertThat(all.toOffset()).isEqualTo(25);
        assertThat(all.hasMore()).isFalse();
        assertThat(all.recovered()).isTrue();

        ReplayResult stale = await(c.replay(ReplayRequest.after(project, new Position("not-the-epoch", 3))));
        assertThat(stale.events()).isEmpty();
        assertThat(stale.complete().recovered()).isFalse();
        assertThat(stale.complete().reason()).isEqualTo(ResumeFailure.EPOCH_CHANGED);

        live.assertNoMore(QUIET);
        assertThat(c.counters().unroutedReplayEvents()).isZero();
    }

    @Test
    void aSubscriptionResumingFromAPositionGetsTheMissedEventsOnceThenLiveOnes() throws Exception {
        UUID project = UUID.randomUUID();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            bodies.add(Events.updated(project));
        }
        String epoch = hub.publish(Events.batch(bodies)).path("accepted").get(0).path("epoch").asText();
        HubClient c = connected();
        RecordingListener listener = new RecordingListener();

        Subscription sub = await(c.subscribe(SubscribeRequest.forProject(project).resumeFrom(epoch, 8).build(), listener));
        assertThat(sub.ack().recovered()).isTrue();
        List<Event> resumed = listener.await(4);
        hub.publish(Events.updated(project));

        assertThat(resumed).extracting(Event::offset).containsExactly(9L, 10L, 11L, 12L);
        assertThat(resumed).allMatch(Event::replay);
        assertThat(listener.await(1).get(0).offset()).isEqualTo(13);
        listener.assertNoMore(QUIET);
    }

    @Test
    void pingStatsPreferencesAndUnsubscribeEachGetTheirReply() throws Exception {
        UUID project = UUID.randomUUID();
        HubClient c = connected();
        RecordingListener dropped = new RecordingListener();
        RecordingListener kept = new RecordingListener();
        Subscription a = await(c.subscribe(SubscribeRequest.forProject(project).id("dropped").build(), dropped));
        await(c.subscribe(SubscribeRequest.forProject(project).id("kept").build(), kept));

        Pong pong = await(c.ping());
        JsonNode stats = await(c.stats());
        var prefs = await(c.setPreferences(Filters.builder().preferredLanguages("python").minProgressThreshold(25).build()));
        await(a.unsubscribe());
        hub.publish(Events.updated(project));

        assertThat(pong.connectionHealth()).isBetween(0.0, 1.0);
        assertThat(pong.serverTime()).endsWith("Z");
        assertThat(stats.path("subscriptions")).extracting(JsonNode::asText).containsExactly("dropped", "kept");
        assertThat(prefs.preferredLanguages()).containsExactly("python");
        assertThat(c.subscriptions()).extracting(Subscription::id).containsExactly("kept");
        assertThat(kept.await(1).get(0).data(ProjectIndexUpdatedData.class)).isPresent();
        dropped.assertNoMore(QUIET);
        assertThat(await(a.unsubscribe())).isNull();
    }

    @Test
    void aRefusedSubscribeFailsItsFutureWithTheHubsErrorAndIsForgotten() throws Exception {
        HubClient c = connected();
        await(c.subscribe(SubscribeRequest.allProjects().id("twice").build(), e -> { }));

        assertThatThrownBy(() -> await(c.subscribe(SubscribeRequest.allProjects().id("twice").build(), e -> { })))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        try (TestHub limited = TestHub.start(java.util.Map.of("WEBSOCKET_MAX_SUBSCRIPTIONS", "1"))) {
            HubClient l = client(ClientOptions.builder(limited.baseUrl()));
            await(l.connect());
            await(l.subscribe(SubscribeRequest.allProjects().build(), e -> { }));
            assertThatThrownBy(() -> await(l.subscribe(SubscribeRequest.allProjects().build(), e -> { })))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(HubErrorException.class, e -> {
                        assertThat(e.error()).isEqualTo("LIMIT_EXCEEDED");
                        assertThat(e.action()).isEqualTo("subscribe");
                    });
            assertThat(l.subscriptions()).hasSize(1);
            l.close();
            await(l.closed());
        }
    }

    @Test
    void requestsNeedAConnectionAndAClosedClientRefusesEverything() throws Exception {
        HubClient c = client(ClientOptions.builder(hub.baseUrl()));

        assertThatThrownBy(() -> await(c.ping())).cause().isInstanceOf(HubConnectionException.class)
                .hasMessageContaining("not connected");
        c.close();
        await(c.closed());

        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
        assertThatThrownBy(() -> await(c.connect())).cause().isInstanceOf(HubConnectionException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aHubThatIsNotThereFailsTheFirstConnect() throws Exception {
        HubClient c = client(ClientOptions.builder("http://127.0.0.1:9").connectTimeout(Duration.ofSeconds(2)));

        assertThatThrownBy(() -> await(c.connect())).cause().isInstanceOf(HubConnectionException.class);
        assertThat(c.state()).isEqualTo(ConnectionState.NEW);
    }

    @Test
    void batchedAndGzipConnectionsDeliverEveryEventInOrder() throws Exception {
        UUID project = UUID.randomUUID();
        HubClient c = client(ClientOptions.builder(hub.baseUrl()).batch(true).gzip(true));
        Welcome w = await(c.connect());
        assertThat(w.options().batch()).isTrue();
        assertThat(w.options().compression()).isEqualTo("gzip");
        RecordingListener listener = new RecordingListener();
        await(c.subscribe(SubscribeRequest.forProject(project).build(), listener));

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bodies.add(Events.dependency(project, "src/module_" + i + "/" + "deep/".repeat(i % 20) + "file.py"));
        }
        hub.publish(Events.batch(bodies));

        assertThat(listener.await(40)).extracting(Event::offset).containsExactlyElementsOf(range(1, 40));
        assertThat(c.counters().malformedFrames()).isZero();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
