package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;

import java.util.ArrayList;
import java.util.List;

/** Collects the events of one {@code replay} request (at most its {@code max_events}). Confined to the dispatcher thread. */
final class ReplayCapture {
    private final ReplayRequest request;
    private final List<Event> events = new ArrayList<>();

    ReplayCapture(ReplayRequest request) {
        this.request = request;
    }

    /** Keeps {@code e} if it belongs to this replay's project; false if it does not. */
    boolean takes(Event e) {
        if (!request.projectId().equals(e.projectId())) {
            return false;
        }
        if (events.size() < request.maxEvents()) {
            events.add(e);
        }
        return true;
    }

    List<Event> events() {
        return events;
    }
}
