package io.projectindex.hub.server.monitor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Prometheus's {@code promtool check metrics} linter, found on {@code PATH}. {@code .ci/run}
 * installs it (Debian package prometheus); where it is missing the tests that use it are skipped,
 * and {@link PrometheusText} still parses every exposition.
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

    /** Asserts that {@code promtool check metrics} accepts {@code exposition} silently; skips the test without promtool. */
    static void assertCheckMetricsPasses(String exposition, Path dir) throws IOException, InterruptedException {
        File promtool = find();
        assumeTrue(promtool != null, "promtool is not on PATH");
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
