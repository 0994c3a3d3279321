package io.projectindex.hub.cli;

import io.projectindex.hub.client.ClientOptions;
import io.projectindex.hub.protocol.EventType;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/** Options every client command takes: where the hub is and who is asking. Not thread-safe (filled by picocli). */
final class HubConnectionOptions {
    @Option(names = "--url", defaultValue = ClientOptions.DEFAULT_URL, paramLabel = "<url>",
            description = "Hub address; the WebSocket and REST URLs derive from it (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:HUB_TOKEN}", paramLabel = "<jwt>",
            description = "JWT sent as a Bearer token (default: the HUB_TOKEN environment variable).")
    String token;

    @Option(names = "--client-id", paramLabel = "<id>",
            description = "A stable client id (1-64 printable characters) for delivery tracking across reconnects.")
    String clientId;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Longest wait for a reply or a connection, e.g. 30s, 500ms, 2m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The client options, or a usage error (exit 2) naming the bad value. */
    ClientOptions.Builder builder(CommandSpec spec) {
        try {
            ClientOptions.Builder b = ClientOptions.builder(url).token(token == null || token.isBlank() ? null : token)
                    .clientId(clientId).requestTimeout(timeout).connectTimeout(timeout);
            b.build();
            return b;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h} or an ISO-8601 duration. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("h")) {
                    return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 30s, 500ms or 2m");
            }
        }
    }

    /** An event type by its wire name ({@code analysis_progress}, …). */
    static final class EventTypeConverter implements CommandLine.ITypeConverter<EventType> {
        @Override
        public EventType convert(String value) {
            return EventType.fromWire(value.trim()).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + value + "' is not an event type (" + String.join(", ", EventType.WIRE_NAMES) + ")"));
        }
    }
}
