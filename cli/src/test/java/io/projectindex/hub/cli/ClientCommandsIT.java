package io.projectindex.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code publish}, {@code tail} and {@code replay} run in-process against a real hub, output captured. */
class ClientCommandsIT {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** One run of the {@code hub} command line: exit code and what it printed. */
    record Run(int exitCode, String out, String err) {
        List<JsonNode> lines() {
            return out.lines().filter(l -> !l.isBlank()).map(Json::readTree).toList();
        }
    }

    /** Output captured while a command runs; readable from other threads. */
    static final class Capture {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        Run run(String stdin, String... args) {
            CommandLine cli = HubCommand.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Run(code, out.toString(), err.toString());
        }
    }

    private static Run hub(String... args) {
        return new Capture().run("", withUrl(args));
    }

    private static String[] withUrl(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--url";
        all[args.length + 1] = hub.baseUrl();
        return all;
    }

    private static String data(String eventBody) {
        return Json.readTree(eventBody).get("data").toString();
    }

    @Test
    void anEventPublishedWithPublishIsPrintedByReplay() {
        UUID project = UUID.randomUUID();

        Run published = hub("publish", "--type", "project_index_updated", "--data", data(Events.updated(project)),
                "--correlation-id", "cli-run");
        Run replayed = hub("replay", "--project", project.toString());

        assertThat(published.exitCode()).as(published.err()).isZero();
        JsonNode accepted = published.lines().get(0);
        assertThat(accepted.path("project_id").asText()).isEqualTo(project.toString());
        assertThat(accepted.path("offset").asLong()).isEqualTo(1);
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.lines()).hasSize(1);
        JsonNode event = replayed.lines().get(0);
        assertThat(event.path("type").asText()).isEqualTo("project_index_updated");
        assertThat(event.path("id").asText()).isEqualTo(accepted.path("id").asText());
        assertThat(event.path("correlation_id").asText()).isEqualTo("cli-run");
        assertThat(event.path("offset").asLong()).isEqualTo(1);
        assertThat(event.path("epoch").asText()).isEqualTo(accepted.path("epoch").asText());
        assertThat(event.path("replay").asBoolean()).isTrue();
        assertThat(event.path("data")).isEqualTo(Json.readTree(data(Events.updated(project))));
        assertThat(replayed.err()).contains("1 events (offsets 1..1)");
    }

    @Test
    void aWholeBodyFromStdinIsPublishedAndReplayPagesThroughIt() {
        UUID project = UUID.randomUUID();
        String body = Events.batch(List.of(Events.updated(project), Events.progress(project, UUID.randomUUID(), 40),
                Events.dependency(project, "src/x.py"), Events.context(project), Events.updated(project)));

        Run published = new Capture().run(body, withUrl("publish"));
        Run all = hub("replay", "--project", project.toString(), "--page-size", "2");
        Run after = hub("replay", "--project", project.toString(), "--since-offset", "3",
                "--epoch", published.lines().get(0).path("epoch").asText(), "--types", "project_index_updated,context_optimized");

        assertThat(published.exitCode()).as(published.err()).isZero();
        assertThat(published.lines()).extracting(l -> l.path("offset").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(all.lines()).extracting(l -> l.path("offset").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(after.lines()).extracting(l -> l.path("type").asText()).containsExactly("context_optimized", "project_index_updated");
    }

    @Test
    void tailPrintsLiveEventsOfItsProjectAsJsonLines() throws Exception {
        UUID project = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        Capture capture = new Capture();
        CompletableFuture<Run> tail = CompletableFuture.supplyAsync(() -> capture.run("", withUrl("tail",
                "--project", project.toString(), "--types", "analysis_progress,project_index_updated", "--max-events", "3")));
        await().atMost(Duration.ofSeconds(20)).until(() -> capture.err.toString().contains("subscribed"));

        hub.publish(Events.progress(project, session, 10));
        hub.publish(Events.dependency(project, "src/ignored.py"));
        hub.publish(Events.updated(UUID.randomUUID()));
        hub.publish(Events.updated(project));
        hub.publish(Events.progress(project, session, 60));
        Run run = tail.get(30, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.lines()).extracting(l -> l.path("type").asText())
                .containsExactly("analysis_progress", "project_index_updated", "analysis_progress");
        assertThat(run.lines()).extracting(l -> l.path("offset").asLong()).containsExactly(1L, 3L, 4L);
        assertThat(run.lines()).allSatisfy(l -> assertThat(l.path("data").path("project_id").asText()).isEqualTo(project.toString()));
    }

    @Test
    void tailResumesAfterAPositionWithTheMissedEventsFirst() {
        UUID project = UUID.randomUUID();
        JsonNode accepted = hub.publish(Events.batch(List.of(Events.updated(project), Events.updated(project),
                Events.updated(project), Events.updated(project))));
        String epoch = accepted.path("accepted").get(0).path("epoch").asText();

        Run run = hub("tail", "--project", project.toString(), "--since-offset", "2", "--epoch", epoch, "--max-events", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.lines()).extracting(l -> l.path("offset").asLong()).containsExactly(3L, 4L);
        assertThat(run.lines()).allSatisfy(l -> assertThat(l.path("replay").asBoolean()).isTrue());
    }

    @Test
    void anEventTheHubRefusesExitsWith1AndNamesEveryBadField() {
        Run run = hub("publish", "--type", "analysis_progress", "--data", "{\"project_id\":\"nope\",\"progress_percentage\":101}");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("HTTP 400 INVALID_EVENT").contains("events[0].data.project_id")
                .contains("events[0].data.session_id").contains("events[0].data.progress_percentage");
    }

    @Test
    void anUnreachableHubExitsWith1() {
        Run publish = new Capture().run("", "publish", "--url", "http://127.0.0.1:9", "--timeout", "2s",
                "--body", Events.updated(UUID.randomUUID()));
        Run tail = new Capture().run("", "tail", "--url", "http://127.0.0.1:9", "--timeout", "2s");

        assertThat(publish.exitCode()).isEqualTo(1);
        assertThat(publish.err()).startsWith("hub publish: ");
        assertThat(tail.exitCode()).isEqualTo(1);
        assertThat(tail.err()).startsWith("hub tail: ");
    }

    @Test
    void helpListsTheClientCommandsAndTheirOptions() {
        Run top = new Capture().run("", "--help");
        Run tail = new Capture().run("", "tail", "--help");

        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("serve", "publish", "tail", "replay");
        assertThat(tail.out()).contains("--url", "--token", "--client-id", "--since-offset", "--epoch", "--max-events",
                "Exit codes");
    }

    @Test
    void badUsageExitsWith2AndSaysWhy() {
        // arguments, expected message on stderr
        String[][] table = {
                {"publish", "--data", "{}", "need --type"},
                {"publish", "--type", "analysis_progress", "--data", "{nope", "the data is not JSON"},
                {"publish", "--type", "no_such_type", "--data", "{}", "is not an event type"},
                {"publish", "--type", "project_index_updated", "--body", "{}", "use them without --type"},
                {"tail", "--since-offset", "4", "--epoch", "e", "need --project"},
                {"tail", "--project", UUID.randomUUID().toString(), "--since-offset", "4", "--since-offset and --epoch go together"},
                {"tail", "--filters", "{\"rules\":[{\"criteria\":\"nope\",\"operator\":\"equals\",\"value\":1}]}", "criteria"},
                {"replay", "Missing required option: '--project"},
                {"replay", "--project", "not-a-uuid", "--project"},
                {"replay", "--project", UUID.randomUUID().toString(), "--page-size", "0", "--page-size must be 1..1000"},
                {"publish", "--client-id", "has space", "--body", "{}", "clientId"},
                {"tail", "--timeout", "soon", "not a duration"},
        };
        for (String[] row : table) {
            String[] args = Arrays.copyOf(row, row.length - 1);
            Run run = hub(args);
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", args)).contains(row[row.length - 1]);
        }
    }
}
