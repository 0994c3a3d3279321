package io.projectindex.hub.server.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Brings a future's completion back onto an event loop. */
final class Loops {
    private Loops() {
    }

    /** A future that completes like {@code f}, always on {@code context} (inline if already there). */
    static <T> Future<T> on(Context context, Future<T> f) {
        Promise<T> p = Promise.promise();
        f.onComplete(ar -> {
            if (Vertx.currentContext() == context) {
                p.handle(ar);
            } else {
                context.runOnContext(v -> p.handle(ar));
            }
        });
        return p.future();
    }
}
