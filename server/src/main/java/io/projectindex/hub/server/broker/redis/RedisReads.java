package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The read path of {@link RedisHistoryStore}: a read is answered from the Redis log when it holds
 * every event the read may return (its markers say what left it); otherwise from the durable
 * store, with what the log holds beyond the durable top appended (durable writes in flight),
 * oldest first, each offset once. Without a durable store the log is the whole history and its
 * markers say what is lost. Thread-safe (stateless).
 */
final class RedisReads {
    /** Continuation reads of one history read at most (each scans up to {@link RedisLog#MAX_SCAN}). */
    private static final int MAX_CONTINUATIONS = 100;

    private final RedisLog redis;
    private final DurableHistoryStore durable;
    private final DeliveryMarks marks;
    private final Function<UUID, Future<StreamPosition>> position;

    /**
     * @param durable  the durable store, or null
     * @param position creates a missing stream (as a publish would) and answers its position
     */
    RedisReads(RedisLog redis, DurableHistoryStore durable, DeliveryMarks marks,
               Function<UUID, Future<StreamPosition>> position) {
        this.redis = redis;
        this.durable = durable;
        this.marks = marks;
        this.position = position;
    }

    Future<ReadResult> read(ReadRequest request) {
        if (request.excludeDeliveredTo() != null) {
            return durable != null ? durable.read(request) : marks.flush().compose(v -> readExcluding(request));
        }
        Future<ReadResult> r = readRedis(request, true);
        return durable == null ? r : r.recover(t -> t instanceof HistoryUnavailableException ? durable.read(request)
                : Future.failedFuture(t));
    }

    private static long afterMillis(ReadRequest r) {
        return r.afterTime() == null ? -1 : Math.floorDiv(r.afterTime().getEpochSecond() * 1_000_000_000L
                + r.afterTime().getNano(), 1_000_000L);
    }

    private Future<ReadResult> readRedis(ReadRequest request, boolean createMissing) {
        long after = request.afterOffset() == null ? 0 : request.afterOffset();
        long afterMs = afterMillis(request);
        return scan(request, after, afterMs, request.limit() + 1).compose(r -> {
            if (!r.first.exists()) {
                if (!createMissing) {
                    return Future.failedFuture(RedisLink.unavailable("stream vanished while read", null));
                }
                return position.apply(request.projectId()).compose(head -> readRedis(request, false));
            }
            if (durable == null || covered(request, afterMs, r.first)) {
                return Future.succeededFuture(fromRedis(request, r));
            }
            return readDurable(request, afterMs, r.first);
        });
    }

    /** A log read and its continuations, up to {@code want} events. */
    private record Scan(RedisLog.LogRead first, RedisLog.LogRead last, List<StoredEvent> events) {
    }

    private Future<Scan> scan(ReadRequest request, long after, long afterMs, int want) {
        return redis.read(request.projectId(), after, afterMs, request.types(), want)
                .compose(first -> continueScan(request, afterMs, want, new Scan(first, first, first.events()), 0));
    }

    private Future<Scan> continueScan(ReadRequest request, long afterMs, int want, Scan s, int round) {
        if (!s.first.exists() || s.events.size() >= want || s.last.ended() || round >= MAX_CONTINUATIONS) {
            return Future.succeededFuture(s);
        }
        return redis.read(request.projectId(), s.last.lastScanned(), afterMs, request.types(), want - s.events.size())
                .compose(next -> {
                    List<StoredEvent> all = new ArrayList<>(s.events);
                    all.addAll(next.events());
                    return continueScan(request, afterMs, want, new Scan(s.first, next, all), round + 1);
                });
    }

    /** True when the Redis log holds every event the read may return (durable mode). */
    private static boolean covered(ReadRequest request, long afterMs, RedisLog.LogRead r) {
        long first = r.firstOffset();
        if (first == 0) {
            return r.top() == 0 || (request.afterOffset() != null && request.afterOffset() >= r.top());
        }
        if (request.afterOffset() != null) {
            return request.afterOffset() + 1 >= first && request.afterOffset() >= r.removedThrough();
        }
        if (request.afterTime() != null) {
            return (first == 1 || r.firstTimestampMillis() <= afterMs)
                    && (r.removedUntilMillis() == 0 || r.removedUntilMillis() <= afterMs);
        }
        return first == 1 && r.removedThrough() == 0;
    }

    private static ReadResult fromRedis(ReadRequest request, Scan s) {
        RedisLog.LogRead r = s.first;
        List<StoredEvent> events = s.events;
        boolean hasMore = events.size() > request.limit();
        if (hasMore) {
            events = events.subList(0, request.limit());
        }
        // The scripts keep the markers exact (trimming, expiry, an idle log's expiry); entries that
        // left the log some other way (e.g. a Redis maxmemory eviction) still show as removed.
        long removedThrough = r.removedThrough();
        long removedUntil = r.removedUntilMillis();
        if (r.firstOffset() > removedThrough + 1) {
            removedThrough = r.firstOffset() - 1;
            removedUntil = Math.max(removedUntil, r.firstTimestampMillis());
        } else if (r.firstOffset() == 0 && r.top() > removedThrough) {
            removedThrough = r.top();
            removedUntil = Math.max(removedUntil, r.lastTimestampMillis());
        }
        return new ReadResult(events, hasMore, s.last.head(), removedThrough,
                removedUntil == 0 ? null : Instant.ofEpochMilli(removedUntil));
    }

    /**
     * The durable store's answer, followed by what the Redis log holds beyond the durable top
     * (events whose durable write is in flight or failed), each offset once.
     */
    private Future<ReadResult> readDurable(ReadRequest request, long afterMs, RedisLog.LogRead redisHead) {
        return durable.read(request).compose(d -> {
            if (d.hasMore() || redisHead.top() <= d.head().offset()) {
                return Future.succeededFuture(new ReadResult(d.events(), d.hasMore(), redisHead.head(), d.removedThrough(),
                        d.removedUntil()));
            }
            long durableTop = d.head().offset();
            long lastReturned = d.events().isEmpty() ? 0 : d.events().get(d.events().size() - 1).offset();
            long start = Math.max(durableTop, request.afterOffset() == null ? 0 : request.afterOffset());
            int want = request.limit() - d.events().size() + 1;
            return scan(request, start, afterMs, want).map(t -> {
                List<StoredEvent> merged = new ArrayList<>(d.events());
                for (StoredEvent e : t.events) {
                    if (e.offset() > lastReturned) {
                        merged.add(e);
                    }
                }
                boolean hasMore = merged.size() > request.limit();
                if (hasMore) {
                    merged = merged.subList(0, request.limit());
                }
                long removedThrough = d.removedThrough();
                long first = t.first.firstOffset();
                if (first == 0 || first > durableTop + 1) {
                    // Offsets after the durable top that the log no longer holds are in neither tier.
                    long gone = first == 0 ? t.first.top() : first - 1;
                    if (gone > durableTop) {
                        removedThrough = Math.max(removedThrough, gone);
                    }
                }
                return new ReadResult(merged, hasMore, t.last.exists() ? t.last.head() : redisHead.head(), removedThrough,
                        d.removedUntil());
            });
        });
    }

    /** Redis-only reads that leave out events delivered to a client id; {@code limit} counts what is returned. */
    private Future<ReadResult> readExcluding(ReadRequest request) {
        ReadRequest plain = new ReadRequest(request.projectId(), request.afterOffset(), request.afterTime(),
                request.types(), Math.max(64, request.limit()));
        return readRedis(plain, true).compose(first -> excludeRound(request, plain, first, first, new ArrayList<>(), 0));
    }

    private Future<ReadResult> excludeRound(ReadRequest request, ReadRequest plain, ReadResult first, ReadResult page,
                                            List<StoredEvent> kept, int round) {
        List<UUID> ids = page.events().stream().map(StoredEvent::id).toList();
        return marks.deliveredTo(request.excludeDeliveredTo(), ids).compose(delivered -> {
            for (StoredEvent e : page.events()) {
                if (!delivered.contains(e.id())) {
                    kept.add(e);
                }
            }
            boolean full = kept.size() > request.limit();
            if (full || !page.hasMore() || page.events().isEmpty() || round >= MAX_CONTINUATIONS) {
                List<StoredEvent> out = full ? kept.subList(0, request.limit()) : kept;
                return Future.succeededFuture(new ReadResult(out, full || page.hasMore(), page.head(),
                        first.removedThrough(), first.removedUntil()));
            }
            long last = page.events().get(page.events().size() - 1).offset();
            ReadRequest next = ReadRequest.afterOffset(request.projectId(), last, request.types(), plain.limit());
            Future<ReadResult> more = request.afterTime() == null ? readRedis(next, false)
                    : redis.read(request.projectId(), last, afterMillis(request), request.types(), plain.limit() + 1)
                    .map(r -> {
                        boolean hm = r.events().size() > plain.limit();
                        List<StoredEvent> ev = hm ? r.events().subList(0, plain.limit()) : r.events();
                        return new ReadResult(ev, hm || !r.ended(), r.head(), 0, null);
                    });
            return more.compose(p -> excludeRound(request, plain, first, p, kept, round + 1));
        });
    }
}
