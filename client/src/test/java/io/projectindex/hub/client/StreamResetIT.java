package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-node hub (Redis-only history) whose Redis restarts empty: the node closes the
 * subscription's connection with 4010, and the SDK reconnects, resumes, and reports the new
 * epoch to the listener as a failed resume — then live events continue in the new epoch.
 */
class StreamResetIT {

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aStreamThatRestartsInANewEpochIsReportedThroughOnResumeFailed() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TestHub hub = TestHub.start(Map.of("REDIS_URL", redis.url()))) {
            UUID project = UUID.randomUUID();
            RecordingConnectionListener states = new RecordingConnectionListener();
            HubClient client = HubClient.create(ClientOptions.builder(hub.baseUrl())
                    .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200))).build(), states);
            try {
                await(client.connect());
                RecordingListener listener = new RecordingListener();
                await(client.subscribe(SubscribeRequest.forProject(project).build(), listener));
                for (int i = 0; i < 3; i++) {
                    hub.publish(Events.updated(project));
                }
                List<Event> before = listener.await(3);
                String oldEpoch = before.get(2).epoch();

                redis.kill();
                redis.restart();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> hub.post("/api/v1/project-index/events", Events.updated(project)).status() == 202);

                assertThat(states.await("disconnected")).isEqualTo("disconnected 4010 true");
                ResumeFailure failure = listener.awaitResumeFailure();
                assertThat(failure.epochChanged()).isTrue();
                assertThat(failure.requested()).isEqualTo(new Position(oldEpoch, 3));
                assertThat(failure.current().epoch()).isNotEqualTo(oldEpoch);

                hub.publish(Events.updated(project));
                Event live = listener.await(1).get(0);
                assertThat(live.epoch()).isEqualTo(failure.current().epoch());
                assertThat(live.offset()).isGreaterThan(failure.current().offset());
            } finally {
                client.close();
                client.closed().get(10, TimeUnit.SECONDS);
            }
        }
    }
}
