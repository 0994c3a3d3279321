package io.projectindex.hub.cli.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of one process at one instant, read from Linux {@code /proc}:
 * {@code utime + stime} (fields 14 and 15 of {@code /proc/<pid>/stat}, in clock ticks) and
 * {@code VmRSS} of {@code /proc/<pid>/status}.
 *
 * @param cpuSeconds user + system CPU time consumed since the process started
 * @param systemSeconds the system (kernel) part of it: socket writes and reads show up here
 * @param rssBytes resident set size
 * @param atNanos {@code System.nanoTime()} when read
 */
public record ProcessSample(double cpuSeconds, double systemSeconds, long rssBytes, long atNanos) {
    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every mainstream Linux build (x86-64 and arm64). */
    public static final int DEFAULT_CLOCK_TICKS_PER_SECOND = 100;

    public ProcessSample {
        if (cpuSeconds < 0 || systemSeconds < 0 || systemSeconds > cpuSeconds || rssBytes < 0) {
            throw new IllegalArgumentException("cpu, system cpu and rss must be >= 0 (system <= cpu), were "
                    + cpuSeconds + " s, " + systemSeconds + " s and " + rssBytes + " B");
        }
    }

    /** Reads the process now; fails if it is gone or {@code /proc} is not there. */
    public static ProcessSample read(long pid) {
        try {
            long now = System.nanoTime();
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            long[] ticks = cpuTicks(stat);
            double perSecond = DEFAULT_CLOCK_TICKS_PER_SECOND;
            return new ProcessSample((ticks[0] + ticks[1]) / perSecond, ticks[1] / perSecond,
                    rssKilobytes(status) * 1024, now);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + " (process gone, or not Linux): " + e, e);
        }
    }

    /**
     * {@code {utime, stime}} from a {@code /proc/<pid>/stat} line. The command name (field 2) is in
     * parentheses and may itself contain spaces and parentheses, so fields are counted after the
     * last {@code ')'}.
     */
    static long[] cpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + abbreviate(stat));
        }
        String[] f = stat.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state); utime is field 14 -> f[11], stime field 15 -> f[12].
        if (f.length < 13) {
            throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + abbreviate(stat));
        }
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** VmRSS in kB from a {@code /proc/<pid>/status} text. */
    static long rssKilobytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String v = line.substring("VmRSS:".length()).trim();
                return Long.parseLong(v.substring(0, v.indexOf(' ')));
            }
        }
        throw new IllegalArgumentException("no VmRSS line in /proc/<pid>/status (kernel thread or zombie?)");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
