package io.projectindex.hub.cli;

import io.projectindex.hub.cli.loadtest.LoadTest;
import io.projectindex.hub.cli.loadtest.LoadTestPlan;
import io.projectindex.hub.cli.loadtest.LoadTestReport;
import io.projectindex.hub.cli.loadtest.ReportTable;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loadtest}: opens N real WebSocket connections to a hub on this machine, publishes at a set
 * rate over HTTP and reports delivery, latency, throughput and the hub's CPU and memory. Not
 * thread-safe (one run per instance).
 */
@Command(name = "loadtest", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Load-test a hub on this machine: N subscribed WebSocket connections, events published at a",
                "set rate over HTTP; reports delivered/expected with per-connection offset checks, one-way latency",
                "percentiles, deliveries/s, and the hub's CPU and RSS (from /proc).",
                "Example: hub loadtest --start --connections 500 --rate 100 --duration 30s"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every expected event reached every connection exactly once, in order",
                "1:the run finished incomplete (see the warnings) or could not run", "2:bad usage"})
final class LoadTestCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--target", paramLabel = "<url>",
            description = "A running hub on a loopback address, e.g. http://127.0.0.1:8000.")
    URI target;

    @Option(names = "--start",
            description = "Start the hub as a separate JVM (java <server-jvm-flags> -jar <hub-jar> serve).")
    boolean start;

    @Option(names = "--server-pid", paramLabel = "<pid>",
            description = "With --target: the hub's pid, to read its CPU and RSS.")
    Long serverPid;

    @Option(names = "--server-jvm-flags", paramLabel = "<flags>", defaultValue = "",
            description = "With --start: JVM flags of the hub, space-separated, e.g. \"-Xmx256m -XX:+UseSerialGC\".")
    String serverJvmFlags;

    @Option(names = "--hub-setting", paramLabel = "<ENV=value>",
            description = {"With --start: a hub setting by its environment name,",
                    "e.g. WEBSOCKET_RATE_LIMIT_TOKENS=0 (repeatable)."})
    Map<String, String> hubSettings = new LinkedHashMap<>();

    @Option(names = "--hub-jar", paramLabel = "<file>",
            description = "With --start: the hub jar (default: the jar this runs from, else cli/target/hub.jar).")
    Path hubJar;

    @Option(names = "--connections", defaultValue = "100",
            description = "WebSocket connections to open (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--projects", defaultValue = "1",
            description = "Projects; connection i subscribes to project i mod K (default: ${DEFAULT-VALUE}).")
    int projects;

    @Option(names = "--rate", defaultValue = "100",
            description = "Events per second across the projects; 0 = idle fleet (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--publish-batch", defaultValue = "1",
            description = "Events per publish request (default: ${DEFAULT-VALUE}).")
    int publishBatch;

    @Option(names = "--duration", defaultValue = "10s", converter = HubConnectionOptions.DurationConverter.class,
            description = "Measured publishing time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "0s", converter = HubConnectionOptions.DurationConverter.class,
            description = {"Publishing before the measured window, left out of latency and CPU figures",
                    "(default: ${DEFAULT-VALUE})."})
    Duration warmup;

    @Option(names = "--max-events", defaultValue = "1000000000",
            description = "Most events to publish (default: rate x time).")
    long maxEvents;

    @Option(names = "--hold", defaultValue = "0s", converter = HubConnectionOptions.DurationConverter.class,
            description = {"Keep the subscribed fleet idle this long before publishing; the idle RSS is read",
                    "after it (default: ${DEFAULT-VALUE})."})
    Duration hold;

    @Option(names = "--batch", description = "Connect with batch=true (protocol §5).")
    boolean batch;

    @Option(names = "--compression", defaultValue = "none", paramLabel = "none|gzip|deflate",
            description = {"gzip = compression=gzip binary frames (protocol §6); deflate = offer",
                    "permessage-deflate (default: ${DEFAULT-VALUE})."})
    String compression;

    @Option(names = "--event-type", defaultValue = "dependency_changed",
            converter = HubConnectionOptions.EventTypeConverter.class,
            description = "Type of the published events (default: ${DEFAULT-VALUE}).")
    EventType eventType;

    @Option(names = "--payload-bytes", defaultValue = "0",
            description = "Padding added to each event's data, in bytes (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--connect-rate", defaultValue = "2000",
            description = "Connection attempts per second (default: ${DEFAULT-VALUE}).")
    double connectRate;

    @Option(names = "--connect-concurrency", defaultValue = "256",
            description = "Handshakes in flight at once (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = "--connect-timeout", defaultValue = "120s",
            converter = HubConnectionOptions.DurationConverter.class,
            description = "Longest wait for the whole fleet to subscribe (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--drain-timeout", defaultValue = "30s", converter = HubConnectionOptions.DurationConverter.class,
            description = "Longest wait after the last publish for every delivery (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--client-event-loops", defaultValue = "2",
            description = "Event loops of the load generator (default: ${DEFAULT-VALUE}).")
    int clientEventLoops;

    @Option(names = "--publish-concurrency", defaultValue = "32",
            description = "Publish requests in flight at once (default: ${DEFAULT-VALUE}).")
    int publishConcurrency;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Option(names = "--output", paramLabel = "<file>", description = "Also write the JSON report to this file.")
    Path output;

    LoadTestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    LoadTestCommand() {
        this(System.out, System.err);
    }

    @Override
    public Integer call() {
        LoadTestPlan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        LoadTestReport report;
        try {
            report = LoadTest.run(plan, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("hub loadtest: interrupted");
            return CliErrors.FAILED;
        } catch (Exception e) {
            err.println("hub loadtest: " + e.getMessage());
            return CliErrors.FAILED;
        }
        String jsonText = Json.write(report);
        if (output != null) {
            try {
                Files.writeString(output, jsonText + "\n");
            } catch (java.io.IOException e) {
                err.println("hub loadtest: cannot write " + output + ": " + e.getMessage());
            }
        }
        out.println(json ? jsonText : ReportTable.format(report));
        out.flush();
        return report.allDelivered() ? CliErrors.OK : CliErrors.FAILED;
    }

    LoadTestPlan plan() {
        LoadTestPlan.Compression c;
        try {
            c = LoadTestPlan.Compression.valueOf(compression.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--compression must be none, gzip or deflate, was " + compression);
        }
        List<String> flags = serverJvmFlags.isBlank() ? List.of() : Arrays.asList(serverJvmFlags.trim().split("\\s+"));
        return new LoadTestPlan(target, start, serverPid, flags, hubSettings, start ? jar() : null, connections, rate,
                publishBatch, duration, maxEvents, warmup, hold, batch, c, projects, eventType, payloadBytes,
                connectRate, connectConcurrency, connectTimeout, drainTimeout, clientEventLoops, publishConcurrency);
    }

    private Path jar() {
        if (hubJar != null) {
            return hubJar;
        }
        try {
            Path self = Path.of(HubCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (self.toString().endsWith(".jar")) {
                return self;
            }
        } catch (Exception e) {
            // fall through to the build output
        }
        return Path.of("cli", "target", "hub.jar");
    }
}
