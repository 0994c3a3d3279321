package io.projectindex.hub.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Small future helpers. Thread-safe (stateless). */
final class Futures {
    private Futures() {
    }

    /** Completes {@code to} like {@code from}, without the {@link CompletionException} wrapper. */
    static <T> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
        from.whenComplete((v, t) -> {
            if (t != null) {
                to.completeExceptionally(unwrap(t));
            } else {
                to.complete(v);
            }
        });
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
