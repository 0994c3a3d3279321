package io.projectindex.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.client.Accepted;
import io.projectindex.hub.client.ClientOptions;
import io.projectindex.hub.client.HubClient;
import io.projectindex.hub.client.OutgoingEvent;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.ProtocolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code publish}: sends one event built from {@code --type} and its data, or a whole publish body
 * (one event, {@code {"events":[…]}} or an array), and prints each accepted position as a JSON
 * line. Not thread-safe (one run per instance).
 */
@Command(name = "publish", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Publish events over HTTP and print their accepted positions, one JSON line each.",
                "With --type, the event's data comes from --data, --data-file or stdin;",
                "without it, a whole body (an event, {\"events\":[...]} or an array) comes from --body, --body-file or stdin."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:accepted", "1:refused by the hub, or the hub could not be reached", "2:bad usage"})
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubConnectionOptions hub;

    @Option(names = "--type", paramLabel = "<type>", converter = HubConnectionOptions.EventTypeConverter.class,
            description = "Event type: project_index_updated, analysis_progress, dependency_changed, context_optimized.")
    EventType type;

    @Option(names = "--data", paramLabel = "<json>", description = "The event's data object (with --type).")
    String data;

    @Option(names = "--data-file", paramLabel = "<file>", description = "Read the data object from a file ('-' = stdin).")
    String dataFile;

    @Option(names = "--id", paramLabel = "<uuid>", description = "Event id; republishing the same id and content is idempotent.")
    UUID id;

    @Option(names = "--correlation-id", paramLabel = "<id>", description = "Ties related events together (1-36 characters).")
    String correlationId;

    @Option(names = "--persistence-level", paramLabel = "<level>",
            description = "memory_only, short_term, medium_term, long_term or permanent (default: the type's).")
    String persistenceLevel;

    @Option(names = "--priority", paramLabel = "<priority>", description = "Delivery priority (default: the type's).")
    String priority;

    @Option(names = "--body", paramLabel = "<json>", description = "A whole publish body (without --type).")
    String body;

    @Option(names = "--body-file", paramLabel = "<file>", description = "Read a whole publish body from a file ('-' = stdin).")
    String bodyFile;

    private final InputStream stdin;

    PublishCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        String request = requestBody();
        ClientOptions options = hub.builder(spec).build();
        PrintWriter out = spec.commandLine().getOut();
        try (HubClient client = HubClient.create(options)) {
            List<Accepted> accepted = client.publishJson(request)
                    .get(hub.timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            for (Accepted a : accepted) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", a.id().toString());
                line.put("project_id", a.projectId().toString());
                line.put("offset", a.offset());
                line.put("epoch", a.epoch());
                line.put("timestamp", a.timestamp());
                if (a.duplicate()) {
                    line.put("duplicate", true);
                }
                out.println(Json.write(line));
            }
            out.flush();
            return CliErrors.OK;
        } catch (Exception e) {
            return CliErrors.report(spec.commandLine().getErr(), "publish", e);
        }
    }

    /** The JSON body to send, or a usage error when the options do not say what to publish. */
    private String requestBody() {
        boolean hasBody = body != null || bodyFile != null;
        boolean hasData = data != null || dataFile != null;
        if (type == null) {
            if (hasData || id != null || correlationId != null || persistenceLevel != null || priority != null) {
                throw usage("--data, --data-file, --id, --correlation-id, --persistence-level and --priority need --type");
            }
            if (body != null && bodyFile != null) {
                throw usage("give the body with --body or --body-file, not both");
            }
            String text = body != null ? body : read(bodyFile == null ? "-" : bodyFile);
            parse(text, "the body");
            return text;
        }
        if (hasBody) {
            throw usage("--body and --body-file publish a whole body; use them without --type");
        }
        if (data != null && dataFile != null) {
            throw usage("give the data with --data or --data-file, not both");
        }
        JsonNode d = parse(data != null ? data : read(dataFile == null ? "-" : dataFile), "the data");
        OutgoingEvent event;
        try {
            event = OutgoingEvent.of(type, d).withId(id).withCorrelationId(correlationId)
                    .withPersistenceLevel(persistenceLevel == null ? null : PersistenceLevel.fromWire(persistenceLevel)
                            .orElseThrow(() -> usage("--persistence-level '" + persistenceLevel + "' is not a level")))
                    .withPriority(priority == null ? null : Priority.fromWire(priority)
                            .orElseThrow(() -> usage("--priority '" + priority + "' is not a priority")));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return Json.write(event.toJson());
    }

    private JsonNode parse(String text, String what) {
        try {
            return Json.readTree(text);
        } catch (ProtocolException e) {
            throw usage(what + " is not JSON: " + e.getMessage());
        }
    }

    private String read(String file) {
        try {
            if (file.equals("-")) {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage("cannot read " + (file.equals("-") ? "stdin" : file) + ": " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
