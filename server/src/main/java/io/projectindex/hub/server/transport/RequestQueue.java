package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.message.ClientMessageDecoder;
import io.projectindex.hub.server.delivery.InboundLimiter;

import java.util.ArrayDeque;

/**
 * Confined to the connection's event loop. Takes a connection's client messages in arrival
 * order and hands them on one at a time, so replies keep request order: while a request waits on
 * history ({@link #hold()} … {@link #release()}), later messages wait here. The inbound rate limit
 * is decided when a message arrives, but a refused message is answered in its turn too, echoing
 * its correlation id. At most {@value #MAX_WAITING} messages wait; one more is {@link Handler#overflow()}.
 */
final class RequestQueue {
    static final int MAX_WAITING = 256;

    /** What the connection does with each message, in order. */
    interface Handler {
        /** An admitted text message. */
        void handle(String text);

        /** An admitted binary frame (clients must send text). */
        void binary();

        /** A message the inbound limit refused ({@code correlationId} may be null). */
        void refused(InboundLimiter.Decision decision, String correlationId);

        /** Too many messages waited behind a slow request. */
        void overflow();

        /** True once the connection is closing: nothing more is handed on. */
        boolean closing();
    }

    /** A waiting message; the text is kept only for an admitted text message. */
    private record Waiting(String text, boolean binary, InboundLimiter.Decision decision, String refusedCorrelationId) {
    }

    private final InboundLimiter limiter;
    private final Handler handler;
    private ArrayDeque<Waiting> waiting;
    private boolean held;

    RequestQueue(InboundLimiter limiter, Handler handler) {
        this.limiter = limiter;
        this.handler = handler;
    }

    /** A text message ({@code text}) or a binary frame ({@code null}) arrived. */
    void offer(String text) {
        InboundLimiter.Decision d = limiter.onMessage();
        boolean admitted = d.verdict() == InboundLimiter.Verdict.ACCEPT;
        Waiting w = new Waiting(admitted ? text : null, text == null, d, admitted ? null : correlationIdOf(text));
        if (!held) {
            process(w);
            return;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        if (waiting.size() >= MAX_WAITING) {
            handler.overflow();
            return;
        }
        waiting.add(w);
    }

    /** The current request waits on something: later messages wait until {@link #release()}. */
    void hold() {
        held = true;
    }

    /** The current request is answered: hand on what waited, in order. */
    void release() {
        held = false;
        while (!held && !handler.closing() && waiting != null && !waiting.isEmpty()) {
            process(waiting.poll());
        }
    }

    long refused() {
        return limiter.rejected();
    }

    private void process(Waiting w) {
        if (w.decision().verdict() != InboundLimiter.Verdict.ACCEPT) {
            handler.refused(w.decision(), w.refusedCorrelationId());
        } else if (w.binary()) {
            handler.binary();
        } else {
            handler.handle(w.text());
        }
    }

    /** The correlation id of a refused message, so its RATE_LIMITED reply can echo it (null if none or unreadable). */
    private static String correlationIdOf(String text) {
        if (text == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode c = Json.readTree(text).get("correlation_id");
            return c != null && c.isTextual() && c.textValue().length() <= ClientMessageDecoder.MAX_CORRELATION_ID
                    ? c.textValue() : null;
        } catch (ProtocolException e) {
            return null;
        }
    }
}
