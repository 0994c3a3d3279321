package io.projectindex.hub.server.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/** Brings a future's completion back onto an event loop. */
final class Loops {
    private Loops() {
    }

    /**
     * A future that completes like {@code f}, always on {@code context}: inline when it completes
     * on that context or on a duplicate of it (every HTTP request runs on a duplicate of its
     * verticle's context), else through the context's task queue. The inline case matters: a
     * publish completes on its request's own loop, and a hop through the queue would put its
     * {@code 202} behind every fan-out task already waiting there.
     */
    static <T> Future<T> on(Context context, Future<T> f) {
        Promise<T> p = Promise.promise();
        f.onComplete(ar -> {
            if (sameLoopContext(Vertx.currentContext(), context)) {
                p.handle(ar);
            } else {
                context.runOnContext(v -> p.handle(ar));
            }
        });
        return p.future();
    }

    static boolean sameLoopContext(Context current, Context target) {
        if (current == target) {
            return true;
        }
        return current instanceof ContextInternal c && target instanceof ContextInternal t && c.unwrap() == t.unwrap();
    }
}
