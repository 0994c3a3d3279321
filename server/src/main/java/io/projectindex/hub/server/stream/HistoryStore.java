package io.projectindex.hub.server.stream;

import io.vertx.core.Future;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Event history of every project's stream, and (for single-node operation) the place where
 * positions are assigned. One contract for every backend (memory, SQLite, PostgreSQL, Redis
 * tiers), checked by one contract test.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #append} assigns each new event the next offset of its project (contiguous from
 *       1, across all types) and a timestamp that never goes backwards within a project, stores it
 *       durably at its persistence level, and only then completes. It is all-or-nothing: a
 *       {@link ConflictException} (id reused with different content) or an outage stores nothing.
 *       An id already stored with the same content is a duplicate: its original is returned and
 *       nothing is stored or announced again.</li>
 *   <li>{@code onAppended} receives the newly stored events before the returned future completes,
 *       and for each project in offset order across all appends (implementations call it while
 *       they still hold the project's sequencing order, e.g. inside their lock or on their single
 *       writer thread). The hub's fan-out relies on this order.</li>
 *   <li>{@link #read} returns events oldest first, never the same offset twice.</li>
 *   <li>A stream's epoch is created with the stream and changes only when the backend lost the
 *       stream's history.</li>
 *   <li>Failures are {@link HistoryUnavailableException} when the backend cannot be reached.</li>
 *   <li>Delivery tracking ({@link #markDelivered}) is best effort and off the hot path: marks are
 *       batched by the backend and may be dropped under overload (counted), which can only make an
 *       {@code exclude_delivered} replay send an event again, never skip one that was not
 *       delivered. A read with {@link ReadRequest#excludeDeliveredTo()} observes every mark made
 *       before the read was requested.</li>
 * </ul>
 * Implementations are thread-safe; no method blocks the caller.
 */
public interface HistoryStore {

    /** Short backend name for logs, metrics and health: memory, sqlite, postgres, redis. */
    String backend();

    Future<List<AppendResult>> append(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended);

    Future<ReadResult> read(ReadRequest request);

    /** The stream's epoch and newest offset (0 when empty); creates the stream if it does not exist. */
    Future<StreamPosition> position(UUID projectId);

    /** Removes events whose persistence level has expired at {@code now}. */
    Future<CleanupResult> cleanup(Instant now);

    /**
     * Records that events were written to a connection: with a {@code clientId} (the connection's
     * stable {@code client_id}, may be null) each event's {@code client_delivered} gains it, and
     * with {@code replayed} each event's {@code replay_count} grows by one. Never blocks; returns at
     * once.
     */
    void markDelivered(String clientId, List<UUID> eventIds, boolean replayed);

    /** The delivery record of one event ({@link DeliveryRecord#NONE} if unknown), for monitoring and tests. */
    Future<DeliveryRecord> deliveries(UUID eventId);

    /** Succeeds when the backend is reachable (readiness). */
    Future<Void> ping();

    Future<Void> close();
}
