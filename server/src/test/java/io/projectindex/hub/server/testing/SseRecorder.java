package io.projectindex.hub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A Server-Sent Events client (the JDK's HTTP client, HTTP/1.1 as browsers use for plain http)
 * that parses the stream into records on a reader thread and records them in order, with
 * {@code await…} helpers that fail with what was seen so far.
 */
public final class SseRecorder implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One record: an event ({@code event}, {@code id}, {@code data}; {@code event} is "message"
     * when the record had none), a comment ({@code comment}), a {@code retry} hint, or the end of
     * the stream ({@code end}).
     */
    public record Record(String id, String event, String data, String comment, Long retry, boolean end) {
        public JsonNode json() {
            return Json.readTree(data);
        }

        public boolean isEvent() {
            return event != null;
        }
    }

    private final int status;
    private final String errorBody;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private final BlockingQueue<Record> records = new LinkedBlockingQueue<>();
    private final List<Record> seen = new ArrayList<>();

    private SseRecorder(HttpResponse<InputStream> response) throws IOException {
        this.status = response.statusCode();
        this.headers = response.headers().map();
        if (status != 200) {
            this.errorBody = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            this.body = null;
            return;
        }
        this.errorBody = null;
        this.body = response.body();
        Thread reader = new Thread(this::read, "sse-recorder");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri} with the given request headers; returns once the response headers arrived. */
    public static SseRecorder open(URI uri, Map<String, String> requestHeaders) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        requestHeaders.forEach(b::header);
        try {
            return new SseRecorder(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("stream request failed: " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return status;
    }

    /** The JSON error body of a refused request. */
    public JsonNode error() {
        return Json.readTree(errorBody);
    }

    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        records.add(new Record(id, event == null ? "message" : event, data.toString(), null, null, false));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    records.add(new Record(null, null, null, line.substring(1).trim(), null, false));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "retry" -> records.add(new Record(null, null, null, null, Long.parseLong(value), false));
                        default -> records.add(new Record(null, "unknown field " + field, line, null, null, false));
                    }
                }
            }
        } catch (IOException e) {
            // the stream was cut (reset) or closed by us
        }
        records.add(new Record(null, null, null, null, null, true));
    }

    /** The next record of any kind. */
    public Record awaitRecord(Duration timeout) {
        try {
            Record r = records.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                fail("no SSE record within " + timeout + "; records so far: " + seen);
            }
            seen.add(r);
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event record, skipping comments and retry hints; fails if the stream ends first. */
    public Record awaitEvent() {
        while (true) {
            Record r = awaitRecord(WsRecorder.TIMEOUT);
            if (r.end()) {
                fail("the stream ended; records so far: " + seen);
            }
            if (r.isEvent()) {
                return r;
            }
        }
    }

    public List<Record> awaitEvents(int n) {
        List<Record> out = new ArrayList<>(n);
        while (out.size() < n) {
            out.add(awaitEvent());
        }
        return out;
    }

    /** Waits for the end of the stream, returning the event records seen before it. */
    public List<Record> awaitEnd() {
        List<Record> events = new ArrayList<>();
        while (true) {
            Record r = awaitRecord(WsRecorder.TIMEOUT);
            if (r.end()) {
                return events;
            }
            if (r.isEvent()) {
                events.add(r);
            }
        }
    }

    /** Fails if an event record arrives within {@code quiet} (comments are allowed). */
    public void assertNoMoreEvents(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Record r = records.poll(left, TimeUnit.NANOSECONDS);
                if (r != null && (r.isEvent() || r.end())) {
                    fail("unexpected record " + r);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (body != null) {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
