package io.projectindex.hub.server;

import io.projectindex.hub.server.audit.AuditLog;
import io.projectindex.hub.server.auth.Admission;
import io.projectindex.hub.server.auth.Authenticator;
import io.projectindex.hub.server.broker.Broker;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.delivery.QueueBudget;
import io.projectindex.hub.server.filter.GlobalFilters;
import io.projectindex.hub.server.hub.Hub;
import io.projectindex.hub.server.monitor.HubMetrics;
import io.projectindex.hub.server.monitor.Monitor;
import io.projectindex.hub.server.publish.Publisher;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.time.HubClock;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hub's shared components, wired once by {@link HubServer} and handed to the transport.
 * Every component is thread-safe.
 *
 * @param connectionSlots connections currently admitted on this node (bounded by WEBSOCKET_MAX_CONNECTIONS)
 * @param globalFilters   filter rules of the server configuration, applied before every connection's filters
 * @param queueBudget     live events waiting in outbound queues, bounded across this node (WEBSOCKET_QUEUE_SIZE)
 * @param lastCleanup     what the last scheduled history cleanup removed
 * @param admission       handshake rate per client IP and connections per user
 * @param audit           the security audit log
 */
public record HubServices(
        HubConfig config,
        HubClock clock,
        HistoryStore history,
        Broker broker,
        Publisher publisher,
        Hub hub,
        HubMetrics metrics,
        Authenticator authenticator,
        Admission admission,
        AuditLog audit,
        AtomicInteger connectionSlots,
        Lifecycle lifecycle,
        Monitor monitor,
        GlobalFilters globalFilters,
        QueueBudget queueBudget,
        AtomicReference<CleanupResult> lastCleanup,
        String nodeId,
        String version) {
}
