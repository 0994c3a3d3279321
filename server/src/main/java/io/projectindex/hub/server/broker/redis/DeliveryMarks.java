package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.stream.DeliveryRecord;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery tracking kept in Redis when there is no durable store: marks wait in a bounded queue
 * (overflow is dropped and counted, which can only make an {@code exclude_delivered} replay send
 * an event again) and are written by {@link #flush}, which the owner calls on a timer and before
 * every read that must observe them. Thread-safe.
 */
final class DeliveryMarks {
    /** Marks waiting to be written at most (100,000). */
    static final int MAX_PENDING = 100_000;

    private record Mark(UUID eventId, String clientId, boolean replayed) {
    }

    private final RedisLog log;
    private final ConcurrentLinkedQueue<Mark> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    DeliveryMarks(RedisLog log) {
        this.log = log;
    }

    void add(String clientId, List<UUID> eventIds, boolean replayed) {
        if (clientId == null && !replayed) {
            return;
        }
        for (UUID id : eventIds) {
            if (size.incrementAndGet() > MAX_PENDING) {
                size.decrementAndGet();
                dropped.incrementAndGet();
                continue;
            }
            pending.add(new Mark(id, clientId, replayed));
        }
    }

    /** Writes every mark queued so far (pipelined); completes when Redis has them all. */
    Future<Void> flush() {
        List<Future<Void>> writes = new ArrayList<>();
        Mark m;
        while ((m = pending.poll()) != null) {
            size.decrementAndGet();
            writes.add(log.mark(m.eventId, m.clientId, m.replayed, DeliveryRecord.MAX_CLIENTS));
        }
        return writes.isEmpty() ? Future.succeededFuture() : Future.join(writes).mapEmpty();
    }

    Future<DeliveryRecord> record(UUID eventId) {
        return flush().compose(v -> log.deliveries(eventId)).map(fields -> {
            if (fields.isEmpty()) {
                return DeliveryRecord.NONE;
            }
            // Client fields hold their arrival number, so the record lists them in delivery order.
            Map<Long, String> clients = new TreeMap<>();
            long replays = 0;
            for (Map.Entry<String, String> f : fields.entrySet()) {
                if (f.getKey().equals("r")) {
                    replays = Long.parseLong(f.getValue());
                } else if (f.getKey().startsWith("c:")) {
                    clients.put(Long.parseLong(f.getValue()), f.getKey().substring(2));
                }
            }
            return new DeliveryRecord(new java.util.LinkedHashSet<>(clients.values()), replays);
        });
    }

    Future<Set<UUID>> deliveredTo(String clientId, List<UUID> eventIds) {
        return eventIds.isEmpty() ? Future.succeededFuture(Set.of()) : log.deliveredTo(clientId, eventIds);
    }

    long dropped() {
        return dropped.get();
    }
}
