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
     * A future that completes like {@code f}, always on {@code context}: inline only when it
     * completes on that very context object, else through the context's task queue. Callers on a
     * connection (WebSocket, SSE) rely on that: a continuation never runs inside the handler
     * that asked for it, and always after the fan-out tasks queued before it.
     */
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

    /**
     * Like {@link #on}, but inline also when the future completes on a duplicate of
     * {@code context} — as every HTTP request's handler runs. For a request handler whose
     * continuation is its last act (it only answers): a publish then answers on its own loop
     * at once instead of queueing its {@code 202} behind every fan-out task waiting there.
     */
    static <T> Future<T> onRequestLoop(Context context, Future<T> f) {
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
