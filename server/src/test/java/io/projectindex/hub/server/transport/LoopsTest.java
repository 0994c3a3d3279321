package io.projectindex.hub.server.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Continuations never run inside the handler that asked for them (handlers run on duplicate contexts). */
class LoopsTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code Loops.on(target, completed)} on {@code from}: whether it completed before returning, and where. */
    private static Object[] run(Context from, Context target) throws Exception {
        CompletableFuture<Boolean> inline = new CompletableFuture<>();
        CompletableFuture<Context> where = new CompletableFuture<>();
        from.runOnContext(v -> {
            boolean[] done = {false};
            Loops.on(target, Future.succeededFuture("x")).onComplete(ar -> {
                done[0] = true;
                where.complete(Vertx.currentContext());
            });
            inline.complete(done[0]);
        });
        return new Object[] {inline.get(10, TimeUnit.SECONDS), where.get(10, TimeUnit.SECONDS)};
    }

    @Test
    void onTheTargetContextItselfTheContinuationRunsInline() throws Exception {
        Context verticle = vertx.getOrCreateContext();
        Object[] r = run(verticle, verticle);
        assertThat(r[0]).isEqualTo(true);
        assertThat(r[1]).isSameAs(verticle);
    }

    @Test
    void fromAHandlersDuplicateContextTheContinuationIsQueuedOnTheTarget() throws Exception {
        ContextInternal verticle = (ContextInternal) vertx.getOrCreateContext();
        ContextInternal request = verticle.duplicate(); // what an HTTP request or WebSocket handler runs on
        Object[] r = run(request, verticle);
        assertThat(r[0]).as("ran inside the handler").isEqualTo(false);
        assertThat(r[1]).isSameAs(verticle);
    }
}
