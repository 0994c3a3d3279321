package io.projectindex.hub.server.audit;

import io.projectindex.hub.server.config.ConfigException;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes audit lines to a file or stderr on its own daemon thread. Thread-safe: callers (event
 * loops among them) only {@link #offer} to a bounded queue and never wait on the disk; a full
 * queue refuses the line and the caller counts it.
 */
final class AuditWriter implements AuditLog.Sink {
    /** Lines waiting to be written before new ones are refused: 10,000. */
    static final int DEFAULT_QUEUE_LINES = 10_000;
    private static final String CLOSE = new String("close");

    private final BlockingQueue<String> queue;
    private final Writer out;
    private final boolean closeOut;
    private final String name;

    private AuditWriter(Writer out, boolean closeOut, String name, int capacity) {
        this.out = out;
        this.closeOut = closeOut;
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(capacity);
        Thread t = new Thread(this::run, "hub-audit-writer");
        t.setDaemon(true);
        t.start();
    }

    /** Opens {@code stderr} or appends to a file (creating it and its directory). */
    static AuditWriter open(String destination) {
        if (destination.equals("stderr")) {
            return new AuditWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), false, "stderr",
                    DEFAULT_QUEUE_LINES);
        }
        Path path = Path.of(destination).toAbsolutePath();
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            return new AuditWriter(w, true, path.toString(), DEFAULT_QUEUE_LINES);
        } catch (IOException e) {
            throw new ConfigException("HUB_AUDIT_LOG cannot open " + path + " for appending: " + e.getMessage());
        }
    }

    @Override
    public boolean offer(String line) {
        return queue.offer(line);
    }

    /** Does not wait: the writer thread writes what is queued, then closes the file. */
    @Override
    public void close() {
        try {
            queue.put(CLOSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private void run() {
        try {
            while (true) {
                String line = queue.take();
                // Write everything already queued, then flush once: one flush per burst, not per line.
                while (line != null) {
                    if (line == CLOSE) {
                        out.flush();
                        if (closeOut) {
                            out.close();
                        }
                        return;
                    }
                    out.write(line);
                    out.write('\n');
                    line = queue.poll();
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("hub: audit log " + name + " cannot be written, auditing stopped: " + e);
        }
    }
}
