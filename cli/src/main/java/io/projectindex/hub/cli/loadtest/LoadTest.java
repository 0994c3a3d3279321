package io.projectindex.hub.cli.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one load test: (start the hub,) open and subscribe the fleet, hold it idle, publish on
 * schedule, wait until every accepted event has reached every subscriber (or the drain timeout),
 * then read the per-connection books and the hub's CPU and RSS, close everything and report.
 *
 * <p>Design note. The fleet lives on a few Vert.x event loops of this process ({@link ClientLoop});
 * each connection's state is touched only on its loop, and the main thread reads it by running a
 * task on every loop ({@link #onEveryLoop}). The main thread only waits, polls counters and reads
 * {@code /proc}, and every wait has a deadline. The hub's CPU is measured from {@code /proc} over
 * the measured window: from the end of the warm-up until everything is delivered.
 *
 * <p>Not thread-safe: one run per instance, driven by the calling thread.
 */
public final class LoadTest {
    private static final long POLL_MILLIS = 50;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LOOP_TASK_TIMEOUT_SECONDS = 30;
    private static final double PUBLISH_GRACE_SECONDS = 60;

    private final LoadTestPlan plan;
    private final URI base;
    private final Long serverPid;
    private final HubProcess hub;
    private final PrintStream log;
    private final FleetCounters counters = new FleetCounters();
    private final List<String> warnings = new ArrayList<>();
    private Vertx vertx;
    private final List<ClientLoop> loops = new ArrayList<>();

    private LoadTest(LoadTestPlan plan, URI base, Long serverPid, HubProcess hub, PrintStream log) {
        this.plan = plan;
        this.base = base;
        this.serverPid = serverPid;
        this.hub = hub;
        this.log = log;
    }

    /** Runs the plan; progress lines go to {@code log}. Starts and stops the hub when the plan says {@code start}. */
    public static LoadTestReport run(LoadTestPlan plan, PrintStream log) throws Exception {
        if (!plan.start()) {
            return new LoadTest(plan, plan.target(), plan.serverPid(), null, log).execute();
        }
        log.println("loadtest: starting the hub: " + plan.hubJar() + " " + plan.serverJvmFlags());
        try (HubProcess hub = HubProcess.start(plan.hubJar(), plan.serverJvmFlags(), plan.hubSettings(),
                plan.connections())) {
            log.println("loadtest: hub pid " + hub.pid() + " ready at " + hub.baseUrl() + " (log " + hub.log() + ")");
            LoadTestReport report = new LoadTest(plan, hub.baseUrl(), hub.pid(), hub, log).execute();
            log.println("loadtest: stopping the hub");
            return report;
        }
    }

    private LoadTestReport execute() throws Exception {
        String startedAt = Instant.now().toString();
        String loadBefore = loadAverage();
        List<UUID> projects = new ArrayList<>();
        for (int p = 0; p < plan.projects(); p++) {
            projects.add(UUID.randomUUID());
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(plan.clientEventLoops())
                .setPreferNativeTransport(true));
        try {
            for (int i = 0; i < plan.clientEventLoops(); i++) {
                loops.add(new ClientLoop(vertx.getOrCreateContext()));
            }
            WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxConnections(plan.connections() + 16)
                    .setTryUsePerMessageCompression(plan.compression() == LoadTestPlan.Compression.DEFLATE)
                    .setMaxMessageSize(16 * 1024 * 1024));
            return measure(client, projects, startedAt, loadBefore);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private LoadTestReport measure(WebSocketClient client, List<UUID> projects, String startedAt, String loadBefore)
            throws Exception {
        ProcessSample serverBefore = server();
        long connectStart = System.nanoTime();
        new Connector(vertx, client, loops, plan, base, projects, counters).start();
        waitFor("connect", plan.connectTimeout().toNanos(), () -> counters.settled() >= plan.connections(),
                () -> counters.subscribed.get() + "/" + plan.connections() + " subscribed, "
                        + (counters.connectFailed.get() + counters.subscribeFailed.get()) + " failed");
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        log.printf("loadtest: %d/%d connections subscribed in %.1f s%n", counters.subscribed.get(), plan.connections(),
                connectSeconds);

        ProcessSample serverSubscribed = server();
        if (!plan.hold().isZero()) {
            log.println("loadtest: holding the idle fleet for " + plan.hold().toSeconds() + " s");
            Thread.sleep(plan.hold().toMillis());
        }
        ProcessSample serverIdle = server();

        long[] subscribedPerProject = subscribedPerProject();
        EventPublisher publisher = null;
        ProcessSample windowStart = null;
        ProcessSample selfStart = ProcessSample.read(ProcessHandle.current().pid());
        MachineSample machineStart = MachineSample.read();
        long deliveredAtWindowStart = 0;
        long windowStartNanos = System.nanoTime();
        double drainSeconds = 0;
        boolean drained = true;
        long expected = 0;
        if (plan.rate() > 0 && plan.plannedEvents() > 0) {
            publisher = new EventPublisher(vertx, plan, base, projects);
            long publishStart = System.nanoTime();
            counters.measureFromNanos = publishStart + plan.warmup().toNanos();
            log.printf("loadtest: publishing %d events at %s/s (%s s warm-up, %s s measured)%n", plan.plannedEvents(),
                    ReportTable.num(plan.rate()), ReportTable.num(plan.warmup().toMillis() / 1000.0),
                    ReportTable.num(plan.duration().toMillis() / 1000.0));
            publisher.start();
            sleepUntil(counters.measureFromNanos);
            windowStartNanos = System.nanoTime();
            windowStart = server();
            selfStart = ProcessSample.read(ProcessHandle.current().pid());
            machineStart = MachineSample.read();
            deliveredAtWindowStart = counters.delivered.sum();
            EventPublisher pub = publisher;
            long publishBound = plan.duration().toNanos() + (long) (PUBLISH_GRACE_SECONDS * 1e9);
            waitFor("publish", publishBound, () -> pub.done().isDone(),
                    () -> pub.eventsSent() + " events sent, " + counters.delivered.sum() + " delivered");
            long publishEnd = System.nanoTime();
            expected = 0;
            for (int p = 0; p < projects.size(); p++) {
                expected += subscribedPerProject[p] * publisher.acceptedFor(p);
            }
            long want = expected;
            drained = waitFor("drain", plan.drainTimeout().toNanos(), () -> counters.delivered.sum() >= want,
                    () -> counters.delivered.sum() + "/" + want + " delivered");
            drainSeconds = (System.nanoTime() - publishEnd) / 1e9;
        }
        long windowEndNanos = System.nanoTime();
        ProcessSample serverEnd = server();
        ProcessSample selfEnd = ProcessSample.read(ProcessHandle.current().pid());
        MachineSample machineEnd = MachineSample.read();
        long deliveredInWindow = counters.delivered.sum() - deliveredAtWindowStart;
        String loadAfter = loadAverage();

        Books books = books(publisher);
        closeFleet();

        double windowSeconds = (windowEndNanos - windowStartNanos) / 1e9;
        LoadTestReport.Delivery delivery = new LoadTestReport.Delivery(expected, books.delivered,
                expected == 0 ? 100.0 : round(100.0 * books.delivered / expected, 3), books.missing, books.gaps,
                books.duplicates, books.incomplete, counters.eventFrames.sum(), counters.binaryFrames.sum(),
                counters.eventFrames.sum() == 0 ? 0
                        : round((double) (books.delivered + books.duplicates) / counters.eventFrames.sum(), 2),
                counters.unreadableFrames.sum(), round(windowSeconds, 3), deliveredInWindow,
                windowSeconds == 0 ? 0 : round(deliveredInWindow / windowSeconds, 1), round(drainSeconds, 3), drained);
        LoadTestReport.Publishing publishing = publisher == null
                ? new LoadTestReport.Publishing(0, 0, 0, Map.of(), 0, 0, LatencySummary.EMPTY)
                : new LoadTestReport.Publishing(plan.plannedEvents(), publisher.eventsSent(), publisher.eventsAccepted(),
                publisher.errors(), round(publisher.eventsAccepted() / ((plan.warmup().toNanos() + plan.duration().toNanos()) / 1e9), 1),
                publisher.maxBehindRequests(), publisher.requestLatency());
        LoadTestReport.Fleet fleet = new LoadTestReport.Fleet(plan.connections(), counters.subscribed.get(),
                counters.connectFailed.get(), counters.subscribeFailed.get(), round(connectSeconds, 2),
                counters.connectFailures(), counters.closeCodes(), counters.errorCodes());
        LoadTestReport.Server server = serverReport(serverBefore, serverSubscribed, serverIdle, windowStart, serverEnd,
                deliveredInWindow);
        LoadTestReport.Process self = new LoadTestReport.Process(round(selfEnd.cpuSeconds() - selfStart.cpuSeconds(), 2),
                percent(selfStart, selfEnd), selfEnd.rssBytes());
        LoadTestReport.Setup setup = new LoadTestReport.Setup(plan.start() ? "start" : "target", base.toString(),
                plan.connections(), plan.projects(), plan.rate(), plan.publishBatch(), plan.duration().toMillis() / 1000.0,
                plan.warmup().toMillis() / 1000.0, plan.hold().toMillis() / 1000.0, plan.batch(),
                plan.compression().name().toLowerCase(java.util.Locale.ROOT), plan.eventType().wire(), plan.payloadBytes(),
                serverCommand(), hub == null ? Map.of() : new LinkedHashMap<>(hub.settings()),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAfter);
        LoadTestReport.Machine machine = machine(machineStart, machineEnd, server, self);
        checkWarnings(delivery, publishing, fleet);
        return new LoadTestReport(startedAt, setup, fleet, publishing, delivery, LatencySummary.of(books.latency),
                server, self, machine, warnings);
    }

    /** Per-connection books gathered on the loops. */
    private static final class Books {
        long delivered;
        long missing;
        long gaps;
        long duplicates;
        int incomplete;
        final Histogram latency = LatencySummary.newHistogram();
    }

    private Books books(EventPublisher publisher) throws Exception {
        Books all = new Books();
        for (Books b : onEveryLoop(loop -> {
            Books books = new Books();
            for (LoadConnection c : loop.connections) {
                OffsetTracker o = c.offsets();
                long accepted = publisher == null ? 0 : publisher.acceptedFor(c.project());
                books.delivered += o.received();
                books.gaps += o.gaps();
                books.duplicates += o.duplicatesOrOutOfOrder();
                if (c.subscribed()) {
                    long missing = o.missing(accepted);
                    books.missing += missing;
                    if (missing > 0 || o.duplicatesOrOutOfOrder() > 0) {
                        books.incomplete++;
                    }
                }
            }
            books.latency.add(loop.latencyMicros);
            return books;
        })) {
            all.delivered += b.delivered;
            all.missing += b.missing;
            all.gaps += b.gaps;
            all.duplicates += b.duplicates;
            all.incomplete += b.incomplete;
            all.latency.add(b.latency);
        }
        return all;
    }

    private long[] subscribedPerProject() throws Exception {
        long[] perProject = new long[plan.projects()];
        for (long[] counts : onEveryLoop(loop -> {
            long[] c = new long[plan.projects()];
            loop.connections.stream().filter(LoadConnection::subscribed).forEach(x -> c[x.project()]++);
            return c;
        })) {
            for (int p = 0; p < perProject.length; p++) {
                perProject[p] += counts[p];
            }
        }
        return perProject;
    }

    private void closeFleet() throws Exception {
        counters.closingFleet = true;
        onEveryLoop(loop -> {
            loop.connections.forEach(LoadConnection::close);
            return null;
        });
        waitFor("close", TimeUnit.SECONDS.toNanos(15), () -> closedCount() >= counters.connected.get(),
                () -> closedCount() + "/" + counters.connected.get() + " closed");
    }

    private int closedCount() {
        try {
            return onEveryLoop(loop -> (int) loop.connections.stream().filter(c -> c.closeCode() != null).count())
                    .stream().mapToInt(Integer::intValue).sum();
        } catch (Exception e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Runs {@code task} on every client loop and returns the results, waiting a bounded time. */
    private <T> List<T> onEveryLoop(Function<ClientLoop, T> task) throws Exception {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (ClientLoop loop : loops) {
            CompletableFuture<T> f = new CompletableFuture<>();
            loop.context.runOnContext(v -> {
                try {
                    f.complete(task.apply(loop));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            futures.add(f);
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : futures) {
            out.add(f.get(LOOP_TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Polls {@code done} until it holds or {@code boundNanos} pass; prints progress; false on timeout. */
    private boolean waitFor(String phase, long boundNanos, java.util.function.BooleanSupplier done,
                            java.util.function.Supplier<String> progress) throws InterruptedException {
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_EVERY_NANOS;
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - start >= boundNanos) {
                String detail = progress.get();
                warnings.add(phase + " did not finish within " + TimeUnit.NANOSECONDS.toSeconds(boundNanos) + " s"
                        + (detail.isEmpty() ? "" : " (" + detail + ")"));
                return false;
            }
            if (now >= nextProgress) {
                log.println("loadtest: " + phase + ": " + progress.get());
                nextProgress = now + PROGRESS_EVERY_NANOS;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private ProcessSample server() {
        return serverPid == null ? null : ProcessSample.read(serverPid);
    }

    private LoadTestReport.Server serverReport(ProcessSample before, ProcessSample subscribed, ProcessSample idle,
                                               ProcessSample windowStart, ProcessSample end, long deliveredInWindow) {
        if (before == null) {
            return null;
        }
        Double idleCpu = plan.hold().isZero() ? null : percent(subscribed, idle);
        Double per100 = round((idle.rssBytes() - before.rssBytes()) * 100.0 / plan.connections(), 0);
        Double cpu = windowStart == null ? null : round(end.cpuSeconds() - windowStart.cpuSeconds(), 2);
        Double system = windowStart == null ? null : round(end.systemSeconds() - windowStart.systemSeconds(), 2);
        Double cpuPercent = windowStart == null ? null : percent(windowStart, end);
        Double perCpu = cpu == null || cpu == 0 ? null : round(deliveredInWindow / cpu, 0);
        return new LoadTestReport.Server(serverPid, before.rssBytes(), idle.rssBytes(), end.rssBytes(), per100, idleCpu,
                cpu, system, cpuPercent, perCpu);
    }

    private LoadTestReport.Machine machine(MachineSample start, MachineSample end, LoadTestReport.Server server,
                                           LoadTestReport.Process self) {
        double wall = (end.atNanos() - start.atNanos()) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        if (wall <= 0) {
            return new LoadTestReport.Machine(cores, 0, null);
        }
        double busy = end.busySeconds() - start.busySeconds();
        Double other = server == null || server.cpuSeconds() == null ? null
                : round(100.0 * Math.max(0, busy - server.cpuSeconds() - self.cpuSeconds()) / wall, 1);
        return new LoadTestReport.Machine(cores, round(100.0 * busy / wall, 1), other);
    }

    private static double percent(ProcessSample from, ProcessSample to) {
        double wall = (to.atNanos() - from.atNanos()) / 1e9;
        return wall <= 0 ? 0 : round(100.0 * (to.cpuSeconds() - from.cpuSeconds()) / wall, 1);
    }

    private List<String> serverCommand() {
        if (hub != null) {
            return hub.command();
        }
        if (serverPid == null) {
            return List.of();
        }
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", serverPid.toString(), "cmdline"));
            return List.of(new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private void checkWarnings(LoadTestReport.Delivery d, LoadTestReport.Publishing p, LoadTestReport.Fleet f) {
        if (f.subscribed() < f.requested()) {
            warnings.add((f.requested() - f.subscribed()) + " connections never subscribed: " + f.connectFailures()
                    + " " + f.errorsReceived());
        }
        if (!f.closedDuringRun().isEmpty()) {
            warnings.add("connections closed by the hub during the run, by close code: " + f.closedDuringRun());
        }
        if (p.eventsSent() < p.eventsPlanned()) {
            warnings.add("the publisher sent " + p.eventsSent() + " of " + p.eventsPlanned()
                    + " planned events before the time ran out (it fell up to " + p.maxBehindRequests()
                    + " requests behind schedule)");
        }
        if (!p.errors().isEmpty()) {
            warnings.add("publish errors (events by cause): " + p.errors());
        }
        if (d.missing() > 0 || d.duplicatesOrOutOfOrder() > 0) {
            warnings.add(d.missing() + " deliveries missing, " + d.duplicatesOrOutOfOrder()
                    + " duplicate or out of order, on " + d.connectionsIncomplete() + " connections");
        }
        if (d.unreadableFrames() > 0) {
            warnings.add(d.unreadableFrames() + " frames could not be read as JSON");
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
