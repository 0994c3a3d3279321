package io.projectindex.hub.cli.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.projectindex.hub.protocol.EventType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads server frames the way a load-test receiver needs them: for every event envelope (alone or
 * inside a {@code batch}) its {@code offset}, whether it was a {@code replay}, and the publisher's
 * send time from {@code data.lt_sent_nanos}; for any other message its {@code type} and, for an
 * {@code error}, its code. Streams tokens instead of building trees, since a receiver handles tens
 * of thousands of frames per second on the same two cores as the hub. gzip binary frames (§6) are
 * inflated first.
 *
 * <p>Thread-safe (the factory is; each call makes its own parser).
 */
public final class FrameScanner {
    /** The data field the publisher stamps with its {@code System.nanoTime()}. */
    public static final String SENT_NANOS_FIELD = "lt_sent_nanos";
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Receives what a frame held, in frame order. */
    public interface Listener {
        /** One event; {@code sentNanos} is 0 when the event carries no send time. */
        void onEvent(long offset, long sentNanos, boolean replay);

        /** A non-event message; {@code code} is the error code for {@code error}, otherwise null. */
        void onControl(String type, String code);
    }

    private FrameScanner() {
    }

    public static void scanText(String frame, Listener listener) {
        try (JsonParser p = FACTORY.createParser(frame)) {
            scan(p, listener);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON frame: " + e.getMessage(), e);
        }
    }

    public static void scanUtf8(byte[] frame, Listener listener) {
        try (JsonParser p = FACTORY.createParser(frame)) {
            scan(p, listener);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON frame: " + e.getMessage(), e);
        }
    }

    /** A binary frame: gzip of one JSON message (an envelope or a batch). */
    public static void scanGzip(byte[] frame, Listener listener) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(frame), 4096)) {
            scanUtf8(in.readAllBytes(), listener);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a gzip frame: " + e.getMessage(), e);
        }
    }

    private static void scan(JsonParser p, Listener listener) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT, p);
        Message m = new Message();
        readObject(p, m, listener);
        if ("batch".equals(m.type)) {
            return;
        }
        if (m.offset >= 0 && m.type != null && EventType.fromWire(m.type).isPresent()) {
            listener.onEvent(m.offset, m.sentNanos, m.replay);
        } else {
            listener.onControl(m.type, m.code);
        }
    }

    /** The fields of one message; the parser is just past its START_OBJECT. Batch members go to the listener. */
    private static void readObject(JsonParser p, Message m, Listener listener) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "type" -> m.type = p.getText();
                case "offset" -> m.offset = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                case "replay" -> m.replay = value == JsonToken.VALUE_TRUE;
                case "data" -> readData(p, value, m);
                case "events" -> readBatch(p, value, listener);
                default -> p.skipChildren();
            }
        }
    }

    private static void readBatch(JsonParser p, JsonToken value, Listener listener) throws IOException {
        expect(value, JsonToken.START_ARRAY, p);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            Message e = new Message();
            readObject(p, e, listener);
            listener.onEvent(e.offset, e.sentNanos, e.replay);
        }
        expect(t, JsonToken.END_ARRAY, p);
    }

    private static void readData(JsonParser p, JsonToken value, Message m) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (SENT_NANOS_FIELD.equals(field) && v == JsonToken.VALUE_NUMBER_INT) {
                m.sentNanos = p.getLongValue();
            } else if ("code".equals(field) && v == JsonToken.VALUE_STRING) {
                m.code = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual + " at " + p.currentLocation());
        }
    }

    /** Scratch state of one message being read. */
    private static final class Message {
        String type;
        String code;
        long offset = -1;
        long sentNanos;
        boolean replay;
    }
}
