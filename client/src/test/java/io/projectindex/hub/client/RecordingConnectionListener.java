package io.projectindex.hub.client;

import io.projectindex.hub.protocol.message.Notice;
import io.projectindex.hub.protocol.message.Welcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Records connection-state callbacks as short strings ({@code connected}, {@code disconnected 4008 true}, …). Thread-safe. */
final class RecordingConnectionListener implements ConnectionListener {
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final BlockingQueue<ResumeSummary> summaries = new LinkedBlockingQueue<>();

    @Override
    public void onConnected(Welcome welcome, boolean reconnected) {
        log.add(reconnected ? "reconnected" : "connected");
    }

    @Override
    public void onDisconnected(int code, String reason, boolean willReconnect) {
        log.add("disconnected " + code + " " + willReconnect);
    }

    @Override
    public void onReconnecting(int attempt, Duration delay) {
        log.add("reconnecting " + attempt);
    }

    @Override
    public void onResumed(ResumeSummary summary) {
        summaries.add(summary);
        log.add("resumed");
    }

    @Override
    public void onNotice(Notice notice) {
        log.add("notice " + notice.kind());
    }

    @Override
    public void onServerError(HubErrorException error) {
        log.add("error " + error.error());
    }

    /** Waits for a callback starting with {@code prefix}, skipping others; returns it. */
    String await(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + RecordingListener.TIMEOUT.toNanos();
        while (true) {
            String s = log.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (s == null) {
                fail("no '" + prefix + "' callback; saw " + seen);
            }
            seen.add(s);
            if (s.startsWith(prefix)) {
                return s;
            }
        }
    }

    ResumeSummary awaitSummary() throws InterruptedException {
        ResumeSummary s = summaries.poll(RecordingListener.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            fail("no resume summary; saw " + seen);
        }
        return s;
    }

    List<String> seen() {
        List<String> all = new ArrayList<>(seen);
        all.addAll(log);
        return all;
    }
}
