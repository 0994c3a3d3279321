package io.projectindex.hub.server.monitor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process memory at one moment.
 *
 * @param rssBytes      resident set size from {@code /proc/self/status}, or -1 where unknown
 * @param heapUsedBytes JVM heap in use
 * @param heapMaxBytes  JVM heap limit, or -1 when undefined
 * @param nonHeapUsedBytes JVM non-heap (metaspace, code cache) in use
 */
public record MemoryStatus(long rssBytes, long heapUsedBytes, long heapMaxBytes, long nonHeapUsedBytes) {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    /** RSS where known, otherwise heap + non-heap in use: what the memory gauge and alert watch. */
    public long usedBytes() {
        return rssBytes >= 0 ? rssBytes : heapUsedBytes + nonHeapUsedBytes;
    }

    public String source() {
        return rssBytes >= 0 ? "rss" : "jvm";
    }

    /**
     * Reads the current process's memory. {@code /proc/self/status} is a kernel-generated file of a
     * few hundred bytes (no disk I/O); where it is missing (not Linux) RSS is -1.
     */
    public static MemoryStatus read() {
        MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = bean.getHeapMemoryUsage();
        MemoryUsage nonHeap = bean.getNonHeapMemoryUsage();
        return new MemoryStatus(residentBytes(), heap.getUsed(), heap.getMax(), nonHeap.getUsed());
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return parseKilobytes(line.substring("VmRSS:".length())) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc not mounted: fall back to the JVM's own numbers.
        }
        return -1;
    }

    /** "   123456 kB" → 123456. */
    static long parseKilobytes(String text) {
        String t = text.trim();
        int space = t.indexOf(' ');
        return Long.parseLong(space < 0 ? t : t.substring(0, space));
    }
}
