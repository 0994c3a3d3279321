package io.projectindex.hub.cli;

import io.projectindex.hub.client.ClientOptions;
import io.projectindex.hub.client.EventJson;
import io.projectindex.hub.client.HubClient;
import io.projectindex.hub.client.Position;
import io.projectindex.hub.client.ReconnectPolicy;
import io.projectindex.hub.client.ReplayRequest;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.protocol.message.ReplayComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code replay}: pages through a project's stored events (oldest first) and prints each as one
 * JSON line; a summary goes to stderr. Not thread-safe (one run per instance).
 */
@Command(name = "replay", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Print a project's stored events, oldest first, one JSON line each (paging through the history).",
                "A summary goes to stderr; a warning there says if part of the range is no longer stored."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:replayed (possibly with a warning)", "1:refused by the hub, or the hub could not be reached",
                "2:bad usage"})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubConnectionOptions hub;

    @Option(names = "--project", required = true, paramLabel = "<uuid>", description = "The project to replay.")
    UUID project;

    @Option(names = "--types", split = ",", paramLabel = "<type>", converter = HubConnectionOptions.EventTypeConverter.class,
            description = "Comma-separated event types (default: all four).")
    List<EventType> types;

    @Option(names = "--since-offset", paramLabel = "<offset>", description = "Only events after this offset (needs --epoch).")
    Long sinceOffset;

    @Option(names = "--epoch", paramLabel = "<epoch>", description = "The epoch of --since-offset.")
    String epoch;

    @Option(names = "--since", paramLabel = "<time>", description = "Only events after this ISO-8601 time.")
    String since;

    @Option(names = "--page-size", defaultValue = "500", paramLabel = "<n>",
            description = "Events per replay request, 1-1000 (default: ${DEFAULT-VALUE}).")
    int pageSize;

    @Override
    public Integer call() {
        ReplayRequest request = request();
        ClientOptions options = hub.builder(spec).reconnectPolicy(ReconnectPolicy.disabled()).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (HubClient client = HubClient.create(options)) {
            client.connect().get(hub.timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            ReplayComplete summary = client.replayAll(request, e -> out.println(EventJson.write(e))).get();
            out.flush();
            err.println("hub replay: " + summary.eventsReplayed() + " events"
                    + (summary.fromOffset() == null ? "" : " (offsets " + summary.fromOffset() + ".." + summary.toOffset() + ")")
                    + " of project " + project + ", epoch " + summary.epoch());
            if (!summary.recovered()) {
                err.println("hub replay: warning: part of the requested range is no longer stored (" + summary.reason() + ")");
            }
            err.flush();
            return CliErrors.OK;
        } catch (Exception e) {
            out.flush();
            return CliErrors.report(err, "replay", e);
        }
    }

    private ReplayRequest request() {
        if (sinceOffset != null && since != null) {
            throw usage("replay after --since-offset or after --since, not both");
        }
        if ((sinceOffset == null) != (epoch == null)) {
            throw usage("--since-offset and --epoch go together");
        }
        if (pageSize < 1 || pageSize > ReplayRequest.MAX_MAX_EVENTS) {
            throw usage("--page-size must be 1.." + ReplayRequest.MAX_MAX_EVENTS + ", was " + pageSize);
        }
        try {
            Position after = sinceOffset == null ? null : new Position(epoch, sinceOffset);
            Instant t = since == null ? null : Timestamps.parse(since).orElseThrow(() -> usage("--since '" + since
                    + "' is not an ISO-8601 time like 2025-01-15T11:00:00Z"));
            return new ReplayRequest(project, after, t, pageSize,
                    types == null ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(types));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
