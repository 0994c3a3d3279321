package io.projectindex.hub.bench;

import io.projectindex.hub.protocol.EventCodec;
import io.projectindex.hub.server.delivery.Compression;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-event encoding work of the delivery path: the envelope around already-serialised data
 * (once per event, shared by every connection), a batch frame from ten encoded envelopes (once per
 * batch per connection), and gzip of a frame (once per event for live envelopes, per batch).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodeBenchmark {

    /** {@code progress}: a typical analysis_progress; {@code dependency}: a 2.4 KB dependency_changed. */
    @Param({"progress", "dependency"})
    public String event;

    private NewEvent source;
    private Instant timestamp;
    private List<byte[]> envelopes;
    private byte[] envelope;
    private byte[] batch;
    private Compression compression;

    @Setup
    public void setUp() {
        source = event.equals("progress") ? BenchEvents.progress() : BenchEvents.largeDependency();
        timestamp = Instant.parse("2025-01-15T12:00:00.123Z");
        envelopes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            envelopes.add(new StoredEvent(source, timestamp, "k3x9q", 1000 + i).frame(false));
        }
        envelope = envelopes.get(0);
        batch = EventCodec.batch(envelopes, timestamp);
        compression = new Compression(1024);
    }

    /** The live envelope of one event. */
    @Benchmark
    public byte[] envelope() {
        return EventCodec.encode(source.type(), source.id(), source.dataJson(), timestamp, source.correlationId(),
                4242, "k3x9q", false);
    }

    /** A batch frame of ten already-encoded envelopes. */
    @Benchmark
    public byte[] batchOfTen() {
        return EventCodec.batch(envelopes, timestamp);
    }

    /** gzip of one envelope (the compression decision included). */
    @Benchmark
    public byte[] gzipEnvelope() {
        return compression.compressOrNull(envelope);
    }

    /** gzip of the batch frame of ten. */
    @Benchmark
    public byte[] gzipBatchOfTen() {
        return Compression.gzip(batch);
    }
}
