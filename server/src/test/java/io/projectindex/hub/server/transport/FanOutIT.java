package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The original design's load test, scaled up: 500 concurrent clients each receive all 1,000 events, in order. */
class FanOutIT {
    private static final int CLIENTS = 500;
    private static final int EVENTS = 1000;

    /** Counts events and checks offsets are 1, 2, 3, … without parsing every frame into a tree. */
    static final class CountingListener implements WebSocket.Listener {
        final CountDownLatch subscribed = new CountDownLatch(1);
        final CountDownLatch done;
        final StringBuilder part = new StringBuilder();
        volatile long next = 1;
        volatile String problem;
        volatile int closeCode = -1;

        CountingListener(CountDownLatch done) {
            this.done = done;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                String frame = part.toString();
                part.setLength(0);
                if (frame.startsWith("{\"type\":\"subscription_ack\"")) {
                    subscribed.countDown();
                } else if (!frame.startsWith("{\"type\":\"welcome\"")) {
                    int at = frame.lastIndexOf("\"offset\":");
                    long offset = Long.parseLong(frame.substring(at + 9, frame.indexOf(',', at)));
                    if (offset != next && problem == null) {
                        problem = "expected offset " + next + " got " + offset;
                    }
                    next = offset + 1;
                    if (offset == EVENTS) {
                        done.countDown();
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode = statusCode;
            return null;
        }
    }

    @Test
    void fiveHundredClientsEachReceiveEveryEventOfAThousandEventPublish() throws Exception {
        try (TestHub hub = TestHub.start(Map.of("WEBSOCKET_CONNECTION_QUEUE_EVENTS", "5000",
                "WEBSOCKET_CONNECTION_QUEUE_BYTES", "16777216"))) {
            UUID p = UUID.randomUUID();
            HttpClient http = HttpClient.newHttpClient();
            CountDownLatch done = new CountDownLatch(CLIENTS);
            List<CountingListener> listeners = new ArrayList<>();
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                CountingListener l = new CountingListener(done);
                listeners.add(l);
                sockets.add(http.newWebSocketBuilder().buildAsync(hub.wsUri(""), l));
            }
            for (CompletableFuture<WebSocket> s : sockets) {
                s.get(60, TimeUnit.SECONDS).sendText("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}", true);
            }
            for (CountingListener l : listeners) {
                assertThat(l.subscribed.await(60, TimeUnit.SECONDS)).isTrue();
            }
            for (int b = 0; b < EVENTS / 50; b++) {
                List<String> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(Events.progress(p, UUID.randomUUID(), i));
                }
                hub.publish(Events.batch(batch));
            }
            boolean all = done.await(180, TimeUnit.SECONDS);
            long complete = listeners.stream().filter(l -> l.next == EVENTS + 1).count();
            assertThat(listeners).allSatisfy(l -> assertThat(l.problem).isNull());
            assertThat(all).as("%d of %d clients got all %d events", complete, CLIENTS, EVENTS).isTrue();
            assertThat(listeners).allSatisfy(l -> assertThat(l.closeCode).isEqualTo(-1));
            for (CompletableFuture<WebSocket> s : sockets) {
                s.get().abort();
            }
        }
    }
}
