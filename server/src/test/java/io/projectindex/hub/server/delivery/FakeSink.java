package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.FakeClock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A socket stand-in that drives an {@link OutboundQueue} the way the connection will: a write
 * queue that can be full, one drain callback per request, timers fired when the fake clock
 * passes them, and every write completed (successfully) at once. Not thread-safe.
 */
final class FakeSink implements OutboundQueue.Sink {
    private final FakeClock clock;
    final List<OutboundFrame> written = new ArrayList<>();
    final List<Long> timerDeadlines = new ArrayList<>();
    OutboundQueue queue;
    boolean full;
    boolean drainRequested;
    int drainRequests;
    int timerRequests;
    String slowConsumer;
    int slowConsumerCalls;
    boolean completeWrites = true;
    /** When not -1: the write queue becomes full once this many frames have been written. */
    int fullAfterWrites = -1;

    FakeSink(FakeClock clock) {
        this.clock = clock;
    }

    OutboundQueue attach(DeliveryPolicy policy, QueueBudget budget) {
        queue = new OutboundQueue(this, clock, policy, budget, clock.nanoTime());
        return queue;
    }

    @Override
    public boolean writeQueueFull() {
        return full;
    }

    @Override
    public void requestDrain() {
        if (drainRequested) {
            throw new AssertionError("drain requested twice without a drain in between");
        }
        drainRequested = true;
        drainRequests++;
    }

    @Override
    public void requestTimer(long delayNanos) {
        if (delayNanos < 0) {
            throw new AssertionError("negative timer delay " + delayNanos);
        }
        timerRequests++;
        timerDeadlines.add(clock.nanoTime() + delayNanos);
    }

    @Override
    public void write(OutboundFrame frame) {
        written.add(frame);
        if (written.size() == fullAfterWrites) {
            full = true;
        }
        if (completeWrites) {
            queue.onWritten(frame, true);
        }
    }

    @Override
    public void closeSlowConsumer(String detail) {
        slowConsumer = detail;
        slowConsumerCalls++;
    }

    /** The socket accepts writes again: clears "full" and runs the requested drain callback. */
    void drain() {
        full = false;
        if (drainRequested) {
            drainRequested = false;
            queue.onDrain();
        }
    }

    /** Moves the clock forward by {@code millis}, firing each timer when its time comes. */
    void advanceMillis(long millis) {
        long target = clock.nanoTime() + millis * 1_000_000L;
        while (true) {
            long next = Long.MAX_VALUE;
            int index = -1;
            for (int i = 0; i < timerDeadlines.size(); i++) {
                if (timerDeadlines.get(i) <= target && timerDeadlines.get(i) < next) {
                    next = timerDeadlines.get(i);
                    index = i;
                }
            }
            if (index < 0) {
                break;
            }
            timerDeadlines.remove(index);
            if (next > clock.nanoTime()) {
                clock.advance(java.time.Duration.ofNanos(next - clock.nanoTime()));
            }
            queue.onTimer();
        }
        clock.advance(java.time.Duration.ofNanos(target - clock.nanoTime()));
    }

    /** The JSON of each written frame (gunzipped when binary). */
    List<JsonNode> frames() {
        List<JsonNode> out = new ArrayList<>();
        for (OutboundFrame f : written) {
            out.add(Json.readTree(json(f)));
        }
        return out;
    }

    /** The offsets of all written events, in the order the client sees them (batches flattened). */
    List<Long> offsets() {
        List<Long> out = new ArrayList<>();
        for (JsonNode f : frames()) {
            for (JsonNode e : events(f)) {
                out.add(e.get("offset").asLong());
            }
        }
        return out;
    }

    /** Events per written event frame (replies excluded). */
    List<Integer> eventsPerFrame() {
        List<Integer> out = new ArrayList<>();
        for (JsonNode f : frames()) {
            List<JsonNode> events = events(f);
            if (!events.isEmpty()) {
                out.add(events.size());
            }
        }
        return out;
    }

    /** The {@code type} of every written frame. */
    List<String> types() {
        return frames().stream().map(f -> f.get("type").textValue()).toList();
    }

    void clear() {
        written.clear();
    }

    static byte[] json(OutboundFrame f) {
        if (!f.binary()) {
            return f.bytes();
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(f.bytes()))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> events(JsonNode frame) {
        List<JsonNode> out = new ArrayList<>();
        if ("batch".equals(frame.get("type").textValue())) {
            frame.get("events").forEach(out::add);
        } else if (frame.has("offset")) {
            out.add(frame);
        }
        return out;
    }
}
