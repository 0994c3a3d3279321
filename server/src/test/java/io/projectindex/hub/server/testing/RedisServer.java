package io.projectindex.hub.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} (the machine's binary) on a free loopback port, in a temporary
 * directory, without persistence ({@code --save "" --appendonly no}) unless asked: tests can
 * {@link #kill()} it with SIGKILL and {@link #restart()} it on the same port. Not thread-safe.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> extra;
    /** A sentinel's config file (sentinels need one, and rewrite it), or null for a server. */
    private final Path sentinelConfig;
    private Process process;

    private RedisServer(Path dir, int port, List<String> extra, Path sentinelConfig) {
        this.dir = dir;
        this.port = port;
        this.extra = extra;
        this.sentinelConfig = sentinelConfig;
    }

    /** Starts a server without persistence. */
    public static RedisServer start() {
        return start(List.of());
    }

    /** Starts a server with extra arguments (e.g. {@code --cluster-enabled yes}). */
    public static RedisServer start(List<String> extra) {
        try {
            RedisServer s = new RedisServer(Files.createTempDirectory("redis-test-"), freePort(), List.copyOf(extra), null);
            s.launch();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    /** Starts a sentinel with {@code config} (its monitor lines) on a free port. */
    public static RedisServer sentinel(Path config) {
        try {
            Path dir = Files.createTempDirectory("redis-sentinel-");
            Path conf = dir.resolve("sentinel.conf");
            Files.copy(config, conf);
            RedisServer s = new RedisServer(dir, freePort(), List.of(), conf);
            s.launch();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server --sentinel", e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    private void launch() throws IOException {
        List<String> cmd = sentinelConfig != null
                ? new ArrayList<>(List.of("redis-server", sentinelConfig.toString(), "--sentinel", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--protected-mode", "no",
                "--logfile", dir.resolve("redis.log").toString()))
                : new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no",
                "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + dir);
                    }
                    try {
                        return command("PING").startsWith("+PONG");
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** SIGKILL: the server dies at once, losing everything in memory. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port (empty, without persistence). */
    public void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart redis-server", e);
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Sends one inline command and returns the first line of the answer (RESP). */
    public String command(String inline) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }

    /** Runs {@code redis-cli -p <port> args…} and returns what it printed (for multi-line answers). */
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(cmd + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}
