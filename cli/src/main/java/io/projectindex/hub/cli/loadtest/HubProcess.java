package io.projectindex.hub.cli.loadtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Not thread-safe: the load test's main thread starts and stops it.
 * A hub launched as its own JVM ({@code java <flags> -jar hub.jar serve}), so its CPU and memory are
 * measured apart from the load generator's. Settings go in as environment variables (flags would outrank
 * them), on a port picked here, history in memory and a private data directory; the hub counts as up when
 * {@code /readyz} answers 200. Its log goes to a file in that directory.
 */
final class HubProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final URI baseUrl;
    private final Path log;
    private final Map<String, String> settings;
    private final List<String> command;

    private HubProcess(Process process, URI baseUrl, Path log, Map<String, String> settings, List<String> command) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
        this.settings = settings;
        this.command = command;
    }

    /** The settings a load test needs, before the user's {@code --hub-setting}s (which win). */
    static Map<String, String> defaultSettings(int connections, Path dataDir, int port) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("HUB_PORT", Integer.toString(port));
        s.put("HUB_HOST", "127.0.0.1");
        s.put("HUB_DATA_DIR", dataDir.toString());
        s.put("HUB_HISTORY_BACKEND", "memory");
        // Room for the fleet plus a margin; the default (1000) would refuse connection 1001.
        s.put("WEBSOCKET_MAX_CONNECTIONS", Integer.toString(Math.max(1000, connections + 100)));
        // One info line per connection would be measured as hub work; warnings still show.
        s.put("WEBSOCKET_LOG_LEVEL", "warn");
        return s;
    }

    static HubProcess start(Path jar, List<String> jvmFlags, Map<String, String> userSettings, int connections)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("hub jar " + jar + " not found; build it with"
                    + " ./mvnw -q -B -pl cli -am package -DskipTests");
        }
        Path dataDir = Files.createTempDirectory("hub-loadtest");
        int port = freePort();
        Map<String, String> settings = defaultSettings(connections, dataDir, port);
        settings.putAll(userSettings);
        int actualPort = Integer.parseInt(settings.get("HUB_PORT"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "serve"));
        Path log = dataDir.resolve("hub.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(settings);
        Process p = pb.start();
        HubProcess hub = new HubProcess(p, URI.create("http://127.0.0.1:" + actualPort), log, settings, cmd);
        try {
            hub.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            hub.close();
            throw e;
        }
        return hub;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(baseUrl.resolve("/readyz")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("hub exited with " + process.exitValue() + " before it was ready; log " + log
                        + ":\n" + tail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("hub not ready after " + START_TIMEOUT.toSeconds() + " s; log " + log + ":\n" + tail());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    URI baseUrl() {
        return baseUrl;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    Map<String, String> settings() {
        return settings;
    }

    List<String> command() {
        return command;
    }

    /** The last lines of the hub's log, for error messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within the stop timeout. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
