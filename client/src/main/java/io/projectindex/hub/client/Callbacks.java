package io.projectindex.hub.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs application callbacks so that one that throws is logged and does not disturb the client. Thread-safe. */
final class Callbacks {
    private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

    private Callbacks() {
    }

    static void safely(String callback, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("hub client: {} callback failed", callback, e);
        }
    }
}
