package io.projectindex.hub.cli;

import io.projectindex.hub.client.ConnectionListener;
import io.projectindex.hub.client.EventJson;
import io.projectindex.hub.client.EventListener;
import io.projectindex.hub.client.Filters;
import io.projectindex.hub.client.HubErrorException;
import io.projectindex.hub.client.HubClient;
import io.projectindex.hub.client.Position;
import io.projectindex.hub.client.ReconnectPolicy;
import io.projectindex.hub.client.ResumeFailure;
import io.projectindex.hub.client.ResumeSummary;
import io.projectindex.hub.client.SubscribeRequest;
import io.projectindex.hub.client.Subscription;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.Timestamps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code tail}: subscribes and prints each event as one JSON line until stopped (Ctrl-C) or
 * {@code --max-events} were printed; reconnects and resumes by itself. Status goes to stderr.
 * Not thread-safe (one run per instance).
 */
@Command(name = "tail", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Subscribe and print each event as one JSON line (the wire envelope) until Ctrl-C or --max-events.",
                "Reconnects and resumes by itself; status lines go to stderr."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped after --max-events", "1:the hub could not be reached, or reconnection gave up",
                "2:bad usage"})
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubConnectionOptions hub;

    @Option(names = "--project", paramLabel = "<uuid>", description = "Only this project (default: every project the token may read).")
    UUID project;

    @Option(names = "--types", split = ",", paramLabel = "<type>", converter = HubConnectionOptions.EventTypeConverter.class,
            description = "Comma-separated event types (default: all four).")
    List<EventType> types;

    @Option(names = "--session", paramLabel = "<uuid>", description = "Only this analysis session's events.")
    UUID session;

    @Option(names = "--filters", paramLabel = "<json>",
            description = "Subscription filters, e.g. '{\"min_progress_threshold\":25,\"high_impact_only\":true}'.")
    String filters;

    @Option(names = "--since-offset", paramLabel = "<offset>", description = "Resume after this offset (needs --project and --epoch).")
    Long sinceOffset;

    @Option(names = "--epoch", paramLabel = "<epoch>", description = "The epoch of --since-offset.")
    String epoch;

    @Option(names = "--since", paramLabel = "<time>", description = "Resume after this ISO-8601 time (needs --project).")
    String since;

    @Option(names = "--max-events", paramLabel = "<n>", description = "Exit after printing this many events.")
    Integer maxEvents;

    @Option(names = "--batch", description = "Ask the hub to batch events.")
    boolean batch;

    @Option(names = "--gzip", description = "Ask the hub to gzip large frames.")
    boolean gzip;

    @Override
    public Integer call() {
        SubscribeRequest request = request();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        int[] printed = {0};
        EventListener listener = new EventListener() {
            @Override
            public void onEvent(Event event) {
                if (done.isDone()) {
                    return;
                }
                out.println(EventJson.write(event));
                out.flush();
                if (maxEvents != null && ++printed[0] >= maxEvents) {
                    done.complete(CliErrors.OK);
                }
            }

            @Override
            public void onResumeFailed(ResumeFailure f) {
                status(err, "gap in " + f.projectId() + ": could not resume after " + f.requested() + " (" + f.reason()
                        + "); continuing from " + f.current() + "; use 'hub replay' to fetch what is still stored");
            }

            @Override
            public void onSubscriptionLost(HubErrorException error) {
                status(err, "subscription refused after reconnecting: " + error.getMessage());
                done.complete(CliErrors.FAILED);
            }
        };
        ConnectionListener states = new ConnectionListener() {
            @Override
            public void onDisconnected(int code, String reason, boolean willReconnect) {
                status(err, "disconnected (" + code + (reason.isEmpty() ? "" : " " + reason) + ")"
                        + (willReconnect ? "; reconnecting" : ""));
                if (!willReconnect) {
                    done.complete(CliErrors.FAILED);
                }
            }

            @Override
            public void onResumed(ResumeSummary summary) {
                status(err, "resumed " + summary.resubscribed() + " subscription(s)"
                        + (summary.complete() ? "" : " with gaps"));
            }
        };
        HubClient client = HubClient.create(hub.builder(spec).batch(batch).gzip(gzip)
                .reconnectPolicy(ReconnectPolicy.DEFAULT).build(), states);
        try {
            client.connect().get(hub.timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            Subscription s = client.subscribe(request, listener).get(hub.timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            status(err, "subscribed " + s.id() + " to " + (project == null ? "all projects" : "project " + project)
                    + s.position().map(p -> " at " + p).orElse(""));
            return done.get();
        } catch (Exception e) {
            return CliErrors.report(err, "tail", e);
        } finally {
            client.close();
        }
    }

    private SubscribeRequest request() {
        if ((sinceOffset != null || since != null) && project == null) {
            throw usage("--since-offset and --since need --project (resume works per project)");
        }
        if (sinceOffset != null && since != null) {
            throw usage("resume with --since-offset or --since, not both");
        }
        if ((sinceOffset == null) != (epoch == null)) {
            throw usage("--since-offset and --epoch go together");
        }
        if (maxEvents != null && maxEvents < 1) {
            throw usage("--max-events must be at least 1");
        }
        SubscribeRequest.Builder b = project == null ? SubscribeRequest.allProjects() : SubscribeRequest.forProject(project);
        if (types != null) {
            b.types(types);
        }
        b.session(session);
        try {
            if (filters != null) {
                b.filters(Filters.parse(filters));
            }
            if (sinceOffset != null) {
                b.resumeFrom(new Position(epoch, sinceOffset));
            }
            if (since != null) {
                Instant t = Timestamps.parse(since).orElseThrow(() -> usage("--since '" + since
                        + "' is not an ISO-8601 time like 2025-01-15T11:00:00Z"));
                b.since(t);
            }
            return b.build();
        } catch (ProtocolException | IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static void status(PrintWriter err, String message) {
        err.println("hub tail: " + message);
        err.flush();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
