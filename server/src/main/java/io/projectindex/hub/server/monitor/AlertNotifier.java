package io.projectindex.hub.server.monitor;

/**
 * Told when an alert fires or resolves (a webhook POST, a chat message). Called on the thread that
 * evaluates alerts, so an implementation must not block: it hands the work to its own I/O and
 * returns. An exception is logged and counted, and never stops evaluation.
 */
public interface AlertNotifier {
    void onFired(Alert alert);

    void onResolved(Alert alert);

    AlertNotifier NONE = new AlertNotifier() {
        @Override
        public void onFired(Alert alert) {
        }

        @Override
        public void onResolved(Alert alert) {
        }
    };
}
