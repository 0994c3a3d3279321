package io.projectindex.hub.server;

/**
 * Whether this node is still taking new work. Once draining, new connections, publishes and
 * readiness checks are refused while in-flight work finishes. Thread-safe.
 */
public final class Lifecycle {
    private volatile boolean draining;

    public boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
