package io.projectindex.hub.bench;

import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.delivery.DeliveryPolicy;
import io.projectindex.hub.server.delivery.OutboundFrame;
import io.projectindex.hub.server.delivery.OutboundQueue;
import io.projectindex.hub.server.delivery.QueueBudget;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.time.HubClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One live event offered to N connections' outbound queues, as a shard delivers it: each queue
 * checks its socket, takes a token from its bucket and hands the (shared) frame to a no-op sink
 * that completes the write at once. A fresh event per invocation, so the envelope is encoded (and
 * for gzip connections compressed) once per fan-out, as in the hub. The bench clock moves one
 * second per fan-out so buckets (default 100 burst, 10/s) never run dry: this measures the
 * writable-socket path, not waiting. Divide the time per operation by N for the cost per delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {

    @Param({"100", "1000", "10000"})
    public int connections;

    /** {@code text}: default connections; {@code gzip}: compression=gzip with a 2.4 KB event. */
    @Param({"text", "gzip"})
    public String mode;

    private final StepClock clock = new StepClock();
    private OutboundQueue[] queues;
    private NewEvent source;
    private long offset;

    /** A clock that moves only when told to (the queues read it on every offer). */
    static final class StepClock implements HubClock {
        private long nanos = 1_000_000_000L;

        @Override
        public Instant now() {
            return Instant.EPOCH.plusNanos(nanos);
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        void step() {
            nanos += 1_000_000_000L;
        }
    }

    /** A socket that always takes writes and completes them at once. */
    static final class NoopSink implements OutboundQueue.Sink {
        OutboundQueue queue;
        long bytes;

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void requestDrain() {
            throw new IllegalStateException("the no-op socket is never full");
        }

        @Override
        public void requestTimer(long delayNanos) {
            throw new IllegalStateException("nothing should wait in this benchmark");
        }

        @Override
        public void write(OutboundFrame frame) {
            bytes += frame.bytes().length;
            queue.onWritten(frame, true);
        }

        @Override
        public void closeSlowConsumer(String detail) {
            throw new IllegalStateException(detail);
        }
    }

    @Setup
    public void setUp() {
        boolean gzip = mode.equals("gzip");
        DeliveryPolicy policy = DeliveryPolicy.of(HubConfig.of(Map.of()).delivery(), false, gzip);
        QueueBudget budget = new QueueBudget(10_000);
        queues = new OutboundQueue[connections];
        for (int i = 0; i < connections; i++) {
            NoopSink sink = new NoopSink();
            queues[i] = new OutboundQueue(sink, clock, policy, budget, clock.nanoTime());
            sink.queue = queues[i];
        }
        source = gzip ? BenchEvents.largeDependency() : BenchEvents.progress();
    }

    @Benchmark
    public void offerToAll(Blackhole bh) {
        clock.step();
        StoredEvent event = new StoredEvent(source, clock.now(), "k3x9q", ++offset);
        for (OutboundQueue q : queues) {
            bh.consume(q.offerLive(event));
        }
    }
}
