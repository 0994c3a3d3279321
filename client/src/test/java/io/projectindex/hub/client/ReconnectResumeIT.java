package io.projectindex.hub.client;

import io.micrometer.core.instrument.Counter;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.server.monitor.HubMetrics;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.projectindex.hub.client.HubClientIT.await;
import static io.projectindex.hub.client.HubClientIT.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections the hub ends (4008 slow consumer, 4000 ping timeout, 1001 shutdown): the SDK
 * reconnects, resubscribes and resumes, and every listener gets every event once and in order;
 * a gap it cannot fill is reported through {@code onResumeFailed}.
 */
class ReconnectResumeIT {
    /**
     * Short enough to keep the tests quick, long enough (two missed pings = 2 s) that a cold JVM
     * answers every ping of a connection that is reading.
     */
    private static final String PING_INTERVAL_MS = "1000";
    private static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200));
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private TestHub hub(Map<String, String> settings) {
        TestHub h = TestHub.start(settings);
        resources.add(h);
        return h;
    }

    private HubClient client(TestHub h, int maxQueuedFrames, ConnectionListener listener) {
        HubClient c = HubClient.create(ClientOptions.builder(h.baseUrl()).reconnectPolicy(FAST)
                .maxQueuedFrames(maxQueuedFrames).build(), listener);
        resources.add(() -> {
            c.close();
            c.closed().get(10, TimeUnit.SECONDS);
        });
        return c;
    }

    private static double closes(TestHub h, int code) {
        Counter c = h.server().services().metrics().registry().find(HubMetrics.PREFIX + "connections_closed")
                .tag("code", Integer.toString(code)).counter();
        return c == null ? 0 : c.count();
    }

    /** The hub declared a connection a slow consumer (counted at once, before the close handshake ends). */
    private static double slowConsumers(TestHub h) {
        Counter c = h.server().services().metrics().registry().find(HubMetrics.PREFIX + "errors")
                .tag("error_type", "slow_consumer").counter();
        return c == null ? 0 : c.count();
    }

    /**
     * Publishes large events while the client is not reading until the hub declares it a slow
     * consumer: the socket buffers fill, then the hub's 8-event queue overflows. Returns how many.
     */
    private static int overflow(TestHub h, UUID project) {
        int published = 0;
        while (slowConsumers(h) == 0) {
            assertThat(published).as("events published without a 4008 close").isLessThan(5000);
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(padded(project, 16 * 1024));
            }
            h.publish(Events.batch(batch));
            published += batch.size();
        }
        return published;
    }

    /** An analysis_progress event padded with an unknown field (kept by the hub) to {@code padBytes}. */
    private static String padded(UUID project, int padBytes) {
        String body = Events.progress(project, UUID.randomUUID(), 50);
        return body.replace("\"last_error\":null", "\"last_error\":null,\"padding\":\"" + "x".repeat(padBytes) + "\"");
    }

    @Test
    void aSlowConsumerIsClosedWith4008AndResumesWithEveryEventOnceAndInOrder() throws Exception {
        TestHub h = hub(Map.of("WEBSOCKET_CONNECTION_QUEUE_EVENTS", "8"));
        UUID project = UUID.randomUUID();
        RecordingConnectionListener states = new RecordingConnectionListener();
        HubClient c = client(h, 4, states);
        await(c.connect());
        RecordingListener listener = new RecordingListener();
        await(c.subscribe(SubscribeRequest.forProject(project).build(), listener));

        listener.holdOnFirstEvent();
        h.publish(Events.updated(project));
        listener.awaitHolding();
        int published = 1 + overflow(h, project);
        for (int i = 0; i < 5; i++) {
            h.publish(Events.updated(project));
            published++;
        }
        listener.release();

        assertThat(states.await("disconnected")).isEqualTo("disconnected 4008 true");
        ResumeSummary summary = states.awaitSummary();
        assertThat(summary.recovered()).isEqualTo(1);
        assertThat(summary.complete()).isTrue();
        h.publish(Events.updated(project));
        published++;

        List<Event> got = listener.await(published);
        assertThat(got).extracting(Event::offset).containsExactlyElementsOf(range(1, published));
        listener.assertNoMore(Duration.ofMillis(300));
        assertThat(c.counters().reconnects()).isEqualTo(1);
        assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aPingTimeoutReconnectsAndResumesProjectSubscriptionsWhileProjectLessOnesStartFromNow() throws Exception {
        TestHub h = hub(Map.of("WEBSOCKET_PING_INTERVAL_MS", PING_INTERVAL_MS));
        UUID project = UUID.randomUUID();
        RecordingConnectionListener states = new RecordingConnectionListener();
        HubClient c = client(h, 2, states);
        await(c.connect());
        RecordingListener resumed = new RecordingListener();
        RecordingListener everywhere = new RecordingListener();
        await(c.subscribe(SubscribeRequest.forProject(project).build(), resumed));
        await(c.subscribe(SubscribeRequest.allProjects().build(), everywhere));

        resumed.holdOnFirstEvent();
        for (int i = 0; i < 5; i++) {
            h.publish(Events.updated(project));
        }
        resumed.awaitHolding();
        // frames wait unread, so pings go unanswered
        await().atMost(Duration.ofSeconds(20)).until(() -> closes(h, 4000) > 0);
        for (int i = 0; i < 5; i++) {
            h.publish(Events.updated(project));
        }
        resumed.release();

        assertThat(states.await("disconnected")).isEqualTo("disconnected 4000 true");
        ResumeSummary summary = states.awaitSummary();
        assertThat(summary.recovered()).isEqualTo(1);
        assertThat(summary.withoutResume()).isEqualTo(1);
        h.publish(Events.updated(project));
        h.publish(Events.updated(project));

        assertThat(resumed.await(12)).extracting(Event::offset).containsExactlyElementsOf(range(1, 12));
        List<Event> live = everywhere.await(7);
        assertThat(live).extracting(Event::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 11L, 12L);
        assertThat(live).noneMatch(Event::replay);
        resumed.assertNoMore(Duration.ofMillis(300));
        everywhere.assertNoMore(Duration.ZERO);
    }

    @Test
    void historyEvictedDuringTheOutageIsReportedAsRecoveredFalseAndLiveDeliveryGoesOn() throws Exception {
        TestHub h = hub(Map.of("WEBSOCKET_CONNECTION_QUEUE_EVENTS", "8", "EVENT_HISTORY_MAX_EVENTS", "4"));
        UUID project = UUID.randomUUID();
        RecordingConnectionListener states = new RecordingConnectionListener();
        HubClient c = client(h, 4, states);
        await(c.connect());
        RecordingListener listener = new RecordingListener();
        Subscription sub = await(c.subscribe(SubscribeRequest.forProject(project).build(), listener));

        listener.holdOnFirstEvent();
        h.publish(Events.updated(project));
        listener.awaitHolding();
        int published = 1 + overflow(h, project);
        // the hub keeps 4 events: the ones the client missed are gone
        for (int i = 0; i < 10; i++) {
            h.publish(Events.updated(project));
            published++;
        }
        listener.release();

        ResumeFailure failure = listener.awaitResumeFailure();
        long delivered = failure.requested().offset();
        assertThat(failure.subscriptionId()).isEqualTo(sub.id());
        assertThat(failure.reason()).isEqualTo(ResumeFailure.HISTORY_EXPIRED);
        assertThat(delivered).isBetween(1L, published - 10L);
        assertThat(failure.current().offset()).isEqualTo(published);
        assertThat(failure.epochChanged()).isFalse();
        assertThat(states.awaitSummary().failures()).containsExactly(failure);
        h.publish(Events.updated(project));

        List<Event> got = listener.await((int) delivered + 1);
        assertThat(got.subList(0, (int) delivered)).extracting(Event::offset).containsExactlyElementsOf(range(1, delivered));
        assertThat(got.get((int) delivered).offset()).isEqualTo(published + 1L);
        assertThat(sub.position()).map(Position::offset).contains(published + 1L);
        assertThat(c.counters().resumeFailures()).isEqualTo(1);
        listener.assertNoMore(Duration.ofMillis(300));
    }

    @Test
    void aGracefulShutdownIsAnnouncedAndTheClientKeepsTryingToReconnect() throws Exception {
        TestHub h = hub(Map.of("HUB_SHUTDOWN_GRACE_MS", "200"));
        RecordingConnectionListener states = new RecordingConnectionListener();
        HubClient c = client(h, 16, states);
        await(c.connect());
        await(c.subscribe(SubscribeRequest.allProjects().build(), e -> { }));

        h.stop();

        assertThat(states.await("notice")).isEqualTo("notice shutdown");
        assertThat(states.await("disconnected")).isEqualTo("disconnected 1001 true");
        assertThat(states.await("reconnecting")).isEqualTo("reconnecting 1");
        assertThat(states.await("reconnecting")).isEqualTo("reconnecting 2");
        assertThat(c.state()).isEqualTo(ConnectionState.RECONNECTING);
    }
}
