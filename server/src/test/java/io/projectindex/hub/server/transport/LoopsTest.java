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

class LoopsTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final Vertx elsewhere = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        elsewhere.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code Loops.onRequestLoop(target, completed)} on {@code from}; true if it completed before returning. */
    private static boolean completesInline(Context from, Context target) throws Exception {
        return completesInline(from, target, true);
    }

    private static boolean completesInline(Context from, Context target, boolean requestLoop) throws Exception {
        CompletableFuture<Boolean> inline = new CompletableFuture<>();
        from.runOnContext(v -> {
            boolean[] done = {false};
            Future<String> f = Future.succeededFuture("x");
            (requestLoop ? Loops.onRequestLoop(target, f) : Loops.on(target, f)).onComplete(ar -> done[0] = true);
            inline.complete(done[0]);
        });
        return inline.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFutureCompletedOnTheContextOrOnADuplicateOfItIsHandledInline() throws Exception {
        ContextInternal verticle = (ContextInternal) vertx.getOrCreateContext();
        ContextInternal request = verticle.duplicate(); // what an HTTP request runs on
        assertThat(completesInline(verticle, verticle)).isTrue();
        assertThat(completesInline(request, verticle)).isTrue();
        assertThat(Loops.sameLoopContext(request, verticle)).isTrue();
    }

    @Test
    void onKeepsConnectionContinuationsOutOfTheHandlerThatAskedForThem() throws Exception {
        ContextInternal verticle = (ContextInternal) vertx.getOrCreateContext();
        ContextInternal duplicate = verticle.duplicate();
        assertThat(completesInline(verticle, verticle, false)).isTrue();
        assertThat(completesInline(duplicate, verticle, false)).isFalse();
    }

    @Test
    void aFutureCompletedElsewhereHopsThroughTheTargetsQueue() throws Exception {
        Context target = vertx.getOrCreateContext();
        Context other = elsewhere.getOrCreateContext(); // surely another thread
        assertThat(Loops.sameLoopContext(other, target)).isFalse();
        // Hold the target's loop so the hop cannot run before the listener is registered.
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        target.runOnContext(v -> {
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Boolean> inline = new CompletableFuture<>();
        CompletableFuture<Context> where = new CompletableFuture<>();
        other.runOnContext(v -> {
            boolean[] done = {false};
            Loops.onRequestLoop(target, Future.succeededFuture("x")).onComplete(ar -> {
                done[0] = true;
                where.complete(Vertx.currentContext());
            });
            inline.complete(done[0]);
        });
        assertThat(inline.get(10, TimeUnit.SECONDS)).isFalse();
        hold.countDown();
        assertThat(Loops.sameLoopContext(where.get(10, TimeUnit.SECONDS), target)).isTrue();
    }
}
