package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An event listener that records what it is given, with {@code await…} helpers that fail with
 * what was seen so far, and an optional gate that holds the dispatcher thread on the first event
 * (to make the client a slow consumer). Thread-safe.
 */
final class RecordingListener implements EventListener {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<ResumeFailure> resumeFailures = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final CountDownLatch firstEvent = new CountDownLatch(1);
    private volatile CountDownLatch gate;

    /** The next event will hold the dispatcher until {@link #release()}. */
    void holdOnFirstEvent() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits until the listener is holding the dispatcher on its first event. */
    void awaitHolding() throws InterruptedException {
        assertThat(firstEvent.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("first event").isTrue();
    }

    @Override
    public void onEvent(Event event) {
        events.add(event);
        firstEvent.countDown();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("the test never released the listener");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate = null;
        }
    }

    @Override
    public void onResumeFailed(ResumeFailure failure) {
        resumeFailures.add(failure);
    }

    List<Event> await(int count) throws InterruptedException {
        List<Event> out = new ArrayList<>(count);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (out.size() < count) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                fail("expected " + count + " events, got " + out.size() + ": " + describe(out)
                        + " (earlier: " + describe(seen) + ")");
            }
            out.add(e);
        }
        seen.addAll(out);
        return out;
    }

    ResumeFailure awaitResumeFailure() throws InterruptedException {
        ResumeFailure f = resumeFailures.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(f).as("a resume failure").isNotNull();
        return f;
    }

    /** Nothing more arrives within {@code quiet}. */
    void assertNoMore(Duration quiet) throws InterruptedException {
        Event e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        if (e != null) {
            fail("unexpected event " + e.type().wire() + " " + e.epoch() + ":" + e.offset() + " after " + describe(seen));
        }
        assertThat(resumeFailures).isEmpty();
    }

    private static String describe(List<Event> list) {
        StringBuilder sb = new StringBuilder("[");
        for (Event e : list) {
            sb.append(sb.length() > 1 ? ", " : "").append(e.type().wire()).append('@').append(e.offset());
            if (e.replay()) {
                sb.append('r');
            }
        }
        return sb.append(']').toString();
    }
}
