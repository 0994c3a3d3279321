package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.message.ReplayComplete;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Pages through a replay while the hub says {@code has_more}: each next request starts after the
 * previous page's last offset in the same epoch, so an epoch change between pages ends the walk
 * with {@code recovered:false}. The summary spans all pages. Thread-safe (stateless); callbacks run
 * where the page futures complete (the client's dispatcher thread).
 */
final class ReplayPager {
    private ReplayPager() {
    }

    static CompletableFuture<ReplayComplete> replayAll(Function<ReplayRequest, CompletableFuture<ReplayResult>> replay,
                                                      ReplayRequest request, Consumer<Event> onEvent) {
        CompletableFuture<ReplayComplete> f = new CompletableFuture<>();
        page(replay, request, onEvent, null, f);
        return f;
    }

    private static void page(Function<ReplayRequest, CompletableFuture<ReplayResult>> replay, ReplayRequest request,
                             Consumer<Event> onEvent, ReplayComplete sofar, CompletableFuture<ReplayComplete> f) {
        replay.apply(request).whenComplete((page, t) -> {
            if (t != null) {
                f.completeExceptionally(Futures.unwrap(t));
                return;
            }
            try {
                page.events().forEach(onEvent);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
                return;
            }
            ReplayComplete c = page.complete();
            ReplayComplete total = sofar == null ? c : new ReplayComplete(c.projectId(),
                    sofar.eventsReplayed() + c.eventsReplayed(),
                    sofar.fromOffset() != null ? sofar.fromOffset() : c.fromOffset(),
                    c.toOffset() != null ? c.toOffset() : sofar.toOffset(),
                    c.epoch(), c.hasMore(), sofar.recovered() && c.recovered(),
                    sofar.reason() != null ? sofar.reason() : c.reason());
            if (c.hasMore() && c.toOffset() != null && c.recovered() && c.epoch() != null) {
                page(replay, request.continueAfter(new Position(c.epoch(), c.toOffset())), onEvent, total, f);
            } else {
                f.complete(total);
            }
        });
    }
}
