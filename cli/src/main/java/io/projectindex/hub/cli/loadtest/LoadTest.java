package io.projectindex.hub.cli.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.io.IOException;
import java.io.PrintStream;
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
 * Not thread-safe: one run per instance, driven by the calling thread.
 * Runs one load test: (start the hub,) open and subscribe the fleet, hold it idle, publish on schedule,
 * wait until every accepted event has reached every subscriber (or the drain timeout), then read the
 * per-connection books and the hub's CPU and RSS, close everything and report.
 *
 * <p>Design note. The fleet lives on a few Vert.x event loops of this process ({@link ClientLoop});
 * each connection's state is touched only on its loop, and the main thread reads it by running a
 * task on every loop ({@link #onEveryLoop}). The main thread only waits, polls counters and reads
 * {@code /proc}, and every wait has a deadline. The hub's CPU is measured from {@code /proc} over
 * the measured window: from the end of the warm-up until everything is delivered.
 */
public final class LoadTest {
    private static final long POLL_MILLIS = 50;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LOOP_TASK_TIMEOUT_SECONDS = 30;
    private static final long PUBLISH_GRACE_SECONDS = 60;

    private final LoadTestPlan plan;
    private final URI base;
    private final Long serverPid;
    private final HubProcess hub;
    private final PrintStream log;
    private final FleetCounters counters = new FleetCounters();
    private final List<String> warnings = new ArrayList<>();
    private Vertx vertx;
    private Vertx publisherVertx;
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
            if (publisherVertx != null) {
                publisherVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
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
        ProcessSample selfStart = self();
        MachineSample machineStart = MachineSample.read();
        long deliveredAtWindowStart = 0;
        long windowStartNanos = System.nanoTime();
        double drainSeconds = 0;
        boolean drained = true;
        long expected = 0;
        if (plan.rate() > 0 && plan.plannedEvents() > 0) {
            // The publisher gets an event loop of its own: on a fleet loop its requests and their 202s
            // would queue behind thousands of frames a second, and the round trip it reports would
            // measure the load generator rather than the hub.
            publisherVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
            publisher = new EventPublisher(publisherVertx, plan, base, projects);
            counters.measureFromNanos = System.nanoTime() + plan.warmup().toNanos();
            log.printf("loadtest: publishing %d events at %s/s (%s s warm-up, %s s measured)%n", plan.plannedEvents(),
                    ReportTable.num(plan.rate()), ReportTable.num(plan.warmup().toMillis() / 1000.0),
                    ReportTable.num(plan.duration().toMillis() / 1000.0));
            publisher.start();
            sleepUntil(counters.measureFromNanos);
            windowStartNanos = System.nanoTime();
            windowStart = server();
            selfStart = self();
            machineStart = MachineSample.read();
            deliveredAtWindowStart = counters.delivered.sum();
            EventPublisher pub = publisher;
            waitFor("publish", plan.duration().toNanos() + TimeUnit.SECONDS.toNanos(PUBLISH_GRACE_SECONDS),
                    () -> pub.done().isDone(),
                    () -> pub.eventsSent() + " events sent, " + counters.delivered.sum() + " delivered");
            long publishEnd = System.nanoTime();
            for (int p = 0; p < projects.size(); p++) {
                expected += subscribedPerProject[p] * publisher.acceptedFor(p);
            }
            long want = expected;
            drained = waitFor("drain", plan.drainTimeout().toNanos(), () -> counters.delivered.sum() >= want,
                    () -> counters.delivered.sum() + "/" + want + " delivered");
            drainSeconds = (System.nanoTime() - publishEnd) / 1e9;
        }
        long windowEndNanos = System.nanoTime();
        Observations seen = new Observations(startedAt, loadBefore, loadAverage(), connectSeconds, serverBefore,
                serverSubscribed, serverIdle, windowStart, server(), selfStart, self(), machineStart,
                MachineSample.read(), expected, counters.delivered.sum() - deliveredAtWindowStart,
                (windowEndNanos - windowStartNanos) / 1e9, drainSeconds, drained);
        Books books = books(publisher);
        closeFleet();
        ReportAssembler.Hub hubSide = new ReportAssembler.Hub(base.toString(), serverCommand(),
                hub == null ? Map.of() : new LinkedHashMap<>(hub.settings()), serverPid);
        return ReportAssembler.assemble(plan, hubSide, seen, counters, books, publisher, warnings);
    }

    private Books books(EventPublisher publisher) throws Exception {
        long[] accepted = new long[plan.projects()];
        for (int p = 0; p < accepted.length; p++) {
            accepted[p] = publisher == null ? 0 : publisher.acceptedFor(p);
        }
        Books all = new Books();
        for (Books b : onEveryLoop(loop -> Books.of(loop, accepted))) {
            all.add(b);
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

    private static ProcessSample self() {
        return ProcessSample.read(ProcessHandle.current().pid());
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

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
