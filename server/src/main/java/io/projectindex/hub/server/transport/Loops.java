package io.projectindex.hub.server.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Brings a future's completion back onto an event loop. */
final class Loops {
    private Loops() {
    }

    /**
     * A future that completes like {@code f}, always on {@code context}: inline only when it
     * completes on that very context object, else through the context's task queue. Handlers run
     * on duplicates of their verticle's context, so a continuation never runs inside the handler
     * that asked for it: connections (WebSocket, SSE) rely on that at the resume seam, and an
     * HTTP answer is written after its request has been read completely (answering a publish
     * inline, before the queued fan-out tasks, was tried: a JDK 17 HttpClient publisher in the
     * test suite then once never saw its 202, see docs/benchmarks.md).
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
}
