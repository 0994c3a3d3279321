package io.projectindex.hub.server.monitor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus's {@code promtool check metrics} linter, found on {@code PATH}. {@code .ci/run}
 * installs it (Debian package prometheus); on a machine without it the first test that needs it
 * installs it the same way, like the browser tests do with chromium, and fails if it cannot.
 */
final class Promtool {
    private Promtool() {
    }

    /** The first executable {@code promtool} on {@code PATH}, or null. */
    static File find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : List.of(path.split(File.pathSeparator))) {
            File f = new File(dir, "promtool");
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }

    private static synchronized File findOrInstall() throws IOException, InterruptedException {
        File promtool = find();
        if (promtool == null) {
            System.err.println("metrics tests: installing promtool (Debian package prometheus) with apt-get");
            String install = "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus";
            new ProcessBuilder("sh", "-c", install + " || (apt-get update -q && " + install + ")").inheritIO()
                    .start().waitFor(10, TimeUnit.MINUTES);
            promtool = find();
        }
        if (promtool == null) {
            throw new IllegalStateException("these tests need promtool: apt-get install prometheus (.ci/run does it)");
        }
        return promtool;
    }

    /** Asserts that {@code promtool check metrics} accepts {@code exposition} silently. */
    static void assertCheckMetricsPasses(String exposition, Path dir) throws IOException, InterruptedException {
        File promtool = findOrInstall();
        Path scrape = dir.resolve("scrape.txt");
        Files.writeString(scrape, exposition, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics")
                .redirectInput(scrape.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool output").isEmpty();
        assertThat(p.exitValue()).isZero();
    }
}
