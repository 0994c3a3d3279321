package io.projectindex.hub.cli.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine has spent busy (all cores, all processes, kernel included), from the
 * first line of Linux {@code /proc/stat}. Compared with the hub's and the load generator's own CPU
 * over the same window it shows how much went to other processes — on a shared machine, the
 * first thing to rule out when a latency tail appears.
 *
 * @param busySeconds user + nice + system + irq + softirq + steal, summed over all cores
 * @param atNanos {@code System.nanoTime()} when read
 */
public record MachineSample(double busySeconds, long atNanos) {

    public static MachineSample read() {
        try {
            long now = System.nanoTime();
            String stat = Files.readString(Path.of("/proc/stat"));
            return new MachineSample(busyTicks(stat) / (double) ProcessSample.DEFAULT_CLOCK_TICKS_PER_SECOND, now);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat (not Linux?): " + e, e);
        }
    }

    /** Busy ticks from the aggregate {@code cpu} line: every field except idle (4th) and iowait (5th). */
    static long busyTicks(String procStat) {
        String first = procStat.lines().findFirst().orElse("");
        if (!first.startsWith("cpu ")) {
            throw new IllegalArgumentException("no aggregate cpu line in /proc/stat: " + first);
        }
        String[] f = first.substring(4).trim().split(" +");
        if (f.length < 8) {
            throw new IllegalArgumentException("too few fields in the cpu line of /proc/stat: " + first);
        }
        long busy = 0;
        for (int i = 0; i < 8; i++) {
            if (i != 3 && i != 4) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }
}
