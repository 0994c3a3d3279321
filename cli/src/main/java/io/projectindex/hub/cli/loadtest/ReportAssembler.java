package io.projectindex.hub.cli.loadtest;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Thread-safe (stateless). Turns the raw readings of a run ({@link Observations}, the fleet's
 * counters, the merged {@link Books} and the publisher) into a {@link LoadTestReport}, with the
 * derived figures — percentages, rates, per-100-connection memory, deliveries per CPU-second — and
 * a warning for everything that kept the run from being complete.
 */
final class ReportAssembler {
    private ReportAssembler() {
    }

    /** The hub side of the run: where it was, how it was started and its pid (null when unknown). */
    record Hub(String baseUrl, List<String> command, Map<String, String> settings, Long pid) {
    }

    static LoadTestReport assemble(LoadTestPlan plan, Hub hub, Observations o, FleetCounters counters, Books books,
                                   EventPublisher publisher, List<String> runWarnings) {
        long frames = counters.eventFrames.sum();
        LoadTestReport.Delivery delivery = new LoadTestReport.Delivery(o.expected(), books.delivered,
                o.expected() == 0 ? 100.0 : round(100.0 * books.delivered / o.expected(), 3), books.missing, books.gaps,
                books.duplicates, books.incomplete, frames, counters.binaryFrames.sum(),
                frames == 0 ? 0 : round((double) (books.delivered + books.duplicates) / frames, 2),
                counters.unreadableFrames.sum(), round(o.windowSeconds(), 3), o.deliveredInWindow(),
                o.windowSeconds() == 0 ? 0 : round(o.deliveredInWindow() / o.windowSeconds(), 1),
                round(o.drainSeconds(), 3), o.drained());
        double publishSeconds = (plan.warmup().toNanos() + plan.duration().toNanos()) / 1e9;
        LoadTestReport.Publishing publishing = publisher == null
                ? new LoadTestReport.Publishing(0, 0, 0, Map.of(), 0, 0, LatencySummary.EMPTY)
                : new LoadTestReport.Publishing(plan.plannedEvents(), publisher.eventsSent(),
                publisher.eventsAccepted(), publisher.errors(), round(publisher.eventsAccepted() / publishSeconds, 1),
                publisher.maxBehindRequests(), publisher.requestLatency());
        LoadTestReport.Fleet fleet = new LoadTestReport.Fleet(plan.connections(), counters.subscribed.get(),
                counters.connectFailed.get(), counters.subscribeFailed.get(), round(o.connectSeconds(), 2),
                counters.connectFailures(), counters.closeCodes(), counters.errorCodes());
        LoadTestReport.Server server = server(plan, hub.pid(), o);
        LoadTestReport.Process self = new LoadTestReport.Process(
                round(o.selfEnd().cpuSeconds() - o.selfStart().cpuSeconds(), 2), percent(o.selfStart(), o.selfEnd()),
                o.selfEnd().rssBytes());
        LoadTestReport.Setup setup = new LoadTestReport.Setup(plan.start() ? "start" : "target", hub.baseUrl(),
                plan.connections(), plan.projects(), plan.rate(), plan.publishBatch(), seconds(plan.duration()),
                seconds(plan.warmup()), seconds(plan.hold()), plan.batch(),
                plan.compression().name().toLowerCase(Locale.ROOT), plan.eventType().wire(), plan.payloadBytes(),
                hub.command(), hub.settings(), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Runtime.getRuntime().availableProcessors(), o.loadBefore(), o.loadAfter());
        List<String> warnings = new ArrayList<>(runWarnings);
        warnings.addAll(warnings(delivery, publishing, fleet));
        return new LoadTestReport(o.startedAt(), setup, fleet, publishing, delivery,
                LatencySummary.of(books.latencyMicros), server, self, machine(o, server, self), warnings);
    }

    private static LoadTestReport.Server server(LoadTestPlan plan, Long pid, Observations o) {
        if (pid == null || o.serverBefore() == null) {
            return null;
        }
        ProcessSample before = o.serverBefore();
        ProcessSample idle = o.serverIdle();
        ProcessSample start = o.windowStart();
        ProcessSample end = o.serverEnd();
        Double idleCpu = plan.hold().isZero() ? null : percent(o.serverSubscribed(), idle);
        Double per100 = round((idle.rssBytes() - before.rssBytes()) * 100.0 / plan.connections(), 0);
        Double cpu = start == null ? null : round(end.cpuSeconds() - start.cpuSeconds(), 2);
        Double system = start == null ? null : round(end.systemSeconds() - start.systemSeconds(), 2);
        Double cpuPercent = start == null ? null : percent(start, end);
        Double perCpu = cpu == null || cpu == 0 ? null : round(o.deliveredInWindow() / cpu, 0);
        return new LoadTestReport.Server(pid, before.rssBytes(), idle.rssBytes(), end.rssBytes(), per100, idleCpu, cpu,
                system, cpuPercent, perCpu);
    }

    private static LoadTestReport.Machine machine(Observations o, LoadTestReport.Server server,
                                                  LoadTestReport.Process self) {
        double wall = (o.machineEnd().atNanos() - o.machineStart().atNanos()) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        if (wall < 0.1) {
            return new LoadTestReport.Machine(cores, 0, null);
        }
        double busy = o.machineEnd().busySeconds() - o.machineStart().busySeconds();
        Double other = server == null || server.cpuSeconds() == null ? null
                : round(100.0 * Math.max(0, busy - server.cpuSeconds() - self.cpuSeconds()) / wall, 1);
        return new LoadTestReport.Machine(cores, round(100.0 * busy / wall, 1), other);
    }

    /** Everything that kept the run from being complete, in words. */
    static List<String> warnings(LoadTestReport.Delivery d, LoadTestReport.Publishing p, LoadTestReport.Fleet f) {
        List<String> w = new ArrayList<>();
        if (f.subscribed() < f.requested()) {
            w.add((f.requested() - f.subscribed()) + " connections never subscribed: " + f.connectFailures() + " "
                    + f.errorsReceived());
        }
        if (!f.closedDuringRun().isEmpty()) {
            w.add("connections closed by the hub during the run, by close code: " + f.closedDuringRun());
        }
        if (p.eventsSent() < p.eventsPlanned()) {
            w.add("the publisher sent " + p.eventsSent() + " of " + p.eventsPlanned() + " planned events before the"
                    + " time ran out (it fell up to " + p.maxBehindRequests() + " requests behind schedule)");
        }
        if (!p.errors().isEmpty()) {
            w.add("publish errors (events by cause): " + p.errors());
        }
        if (d.missing() > 0 || d.duplicatesOrOutOfOrder() > 0) {
            w.add(d.missing() + " deliveries missing, " + d.duplicatesOrOutOfOrder() + " duplicate or out of order, on "
                    + d.connectionsIncomplete() + " connections");
        }
        if (d.unreadableFrames() > 0) {
            w.add(d.unreadableFrames() + " frames could not be read as JSON");
        }
        return w;
    }

    /** CPU over wall time between two samples, in percent of one core; 0 under 100 ms (idle runs have no window). */
    static double percent(ProcessSample from, ProcessSample to) {
        double wall = (to.atNanos() - from.atNanos()) / 1e9;
        return wall < 0.1 ? 0 : round(100.0 * (to.cpuSeconds() - from.cpuSeconds()) / wall, 1);
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
