package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.stream.StoredEvent;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The gzip decision of PROTOCOL §6 for connections that asked for {@code compression=gzip}: an
 * event or batch frame of at least the threshold goes as a binary frame holding its gzip when that
 * saves more than {@value #MIN_SAVING_PERCENT} %, otherwise as text. Control frames never come
 * here (they are always text).
 *
 * <p>A live event's compressed envelope is computed once and cached on the event, so every gzip
 * connection of the node shares it; batches belong to one connection and are compressed per batch.
 * Each thread keeps one reusable {@link Deflater} (a new one per frame would cost a native zlib
 * allocation). Thread-safe.
 */
public final class Compression {
    /** A frame must shrink by more than this share (in percent) to be sent compressed. */
    public static final int MIN_SAVING_PERCENT = 20;

    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final ThreadLocal<Deflater> DEFLATER =
            ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));

    private final int thresholdBytes;

    public Compression(int thresholdBytes) {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("compression threshold must be >= 0, was " + thresholdBytes);
        }
        this.thresholdBytes = thresholdBytes;
    }

    public int thresholdBytes() {
        return thresholdBytes;
    }

    /** The gzip of {@code json} if it is at least the threshold and gzip saves enough; otherwise null. */
    public byte[] compressOrNull(byte[] json) {
        if (json.length < thresholdBytes) {
            return null;
        }
        byte[] gz = gzip(json);
        return worthIt(json.length, gz.length) ? gz : null;
    }

    /**
     * The live envelope of {@code event} as gzip connections receive it: its gzip, or null when it
     * goes as text. Computed once per event and shared (the node has one threshold).
     */
    public byte[] compressedLiveFrame(StoredEvent event) {
        return event.compressedLiveFrame(this::compressOrNull);
    }

    /** True when {@code compressedBytes} saves more than {@value #MIN_SAVING_PERCENT} % of {@code plainBytes}. */
    public static boolean worthIt(int plainBytes, int compressedBytes) {
        return (long) compressedBytes * 100 < (long) plainBytes * (100 - MIN_SAVING_PERCENT);
    }

    /** RFC 1952 gzip of {@code data}: a fixed header, raw deflate, CRC-32 and length trailer. */
    public static byte[] gzip(byte[] data) {
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 3 + 32));
        out.writeBytes(GZIP_HEADER);
        byte[] buf = new byte[Math.min(Math.max(512, data.length), 16 * 1024)];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            out.write(buf, 0, n);
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, data.length);
        return out.toByteArray();
    }

    private static void writeIntLe(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
