package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventCodec;
import io.projectindex.hub.protocol.Json;

/**
 * An {@link Event} back in its wire form (PROTOCOL §2 envelope, one line of JSON): {@code type,
 * id, data, timestamp, correlation_id, offset, epoch} and {@code replay:true} for replayed
 * events. Thread-safe (stateless).
 */
public final class EventJson {
    private EventJson() {
    }

    public static String write(Event e) {
        String correlationId = e.correlationId() != null ? e.correlationId() : e.id().toString();
        String epoch = e.epoch() != null ? e.epoch() : "";
        return Json.utf8(EventCodec.encode(e.type(), e.id(), Json.writeBytes(e.data()), e.timestamp(), correlationId,
                e.offset(), epoch, e.replay()));
    }
}
