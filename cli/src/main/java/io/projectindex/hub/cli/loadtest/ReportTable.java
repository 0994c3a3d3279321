package io.projectindex.hub.cli.loadtest;

import java.util.Locale;

/** Thread-safe (stateless). The human-readable form of a {@link LoadTestReport}. */
public final class ReportTable {
    private static final double MB = 1024.0 * 1024.0;

    private ReportTable() {
    }

    public static String format(LoadTestReport r) {
        StringBuilder b = new StringBuilder();
        setup(b, r.setup());
        LoadTestReport.Fleet f = r.fleet();
        line(b, "connections", f("%d/%d subscribed in %s s; failed: %d connect, %d subscribe", f.subscribed(),
                f.requested(), num(f.connectSeconds()), f.connectFailed(), f.subscribeFailed()));
        line(b, "closed by hub", f.closedDuringRun().isEmpty() ? "none" : "by close code " + f.closedDuringRun());
        if (!f.errorsReceived().isEmpty()) {
            line(b, "errors received", f.errorsReceived().toString());
        }
        if (r.publishing().eventsPlanned() == 0) {
            line(b, "published", "nothing (idle fleet)");
        } else {
            delivery(b, r.publishing(), r.delivery(), r.latency());
        }
        server(b, r.server());
        LoadTestReport.Process g = r.loadGenerator();
        line(b, "generator", f("%s s CPU in the window (%s %%), RSS %s MB", num(g.cpuSeconds()), num(g.cpuPercent()),
                mb(g.rssBytes())));
        LoadTestReport.Machine m = r.machine();
        line(b, "machine", f("%s %% busy of %d00 %% (%d cores) in the window; other processes %s",
                num(m.busyCpuPercent()), m.cores(), m.cores(),
                m.otherCpuPercent() == null ? "n/a" : num(m.otherCpuPercent()) + " %"));
        line(b, "result", r.allDelivered() ? "ALL DELIVERED (every expected event exactly once, in order)"
                : "INCOMPLETE");
        for (String w : r.warnings()) {
            line(b, "warning", w);
        }
        return b.toString();
    }

    private static void setup(StringBuilder b, LoadTestReport.Setup s) {
        line(b, "load test", f("%d connections over %d project(s), %s events/s%s for %s s (+%s s warm-up, %s s idle"
                        + " hold), batch=%s, compression=%s, %s", s.connections(), s.projects(), num(s.rate()),
                s.publishBatch() > 1 ? " in requests of " + s.publishBatch() : "", num(s.durationSeconds()),
                num(s.warmupSeconds()), num(s.holdSeconds()), s.batch(), s.compression(), s.eventType()));
        line(b, "hub", s.mode() + " " + s.target()
                + (s.serverCommand().isEmpty() ? "" : ": " + String.join(" ", s.serverCommand())));
        if (!s.hubSettings().isEmpty()) {
            line(b, "hub settings", s.hubSettings().toString());
        }
        line(b, "load generator", s.availableProcessors() + " CPUs shared with the hub; JVM "
                + s.loadGeneratorJvmFlags());
        line(b, "load average", "before " + s.loadAverageBefore() + ", after " + s.loadAverageAfter());
        b.append('\n');
    }

    private static void delivery(StringBuilder b, LoadTestReport.Publishing p, LoadTestReport.Delivery d,
                                 LatencySummary l) {
        line(b, "published", f("%d accepted of %d sent (%d planned), %s events/s; errors %s; request p50 %s ms,"
                        + " p99 %s ms", p.eventsAccepted(), p.eventsSent(), p.eventsPlanned(), num(p.eventsPerSecond()),
                p.errors().isEmpty() ? "none" : p.errors(), num(p.requestLatency().p50Millis()),
                num(p.requestLatency().p99Millis())));
        line(b, "delivered", f("%d / %d expected (%s %%)%s", d.delivered(), d.expected(), num(d.deliveredPercent()),
                d.drained() ? ", drained " + num(d.drainSeconds()) + " s after the last publish" : ", NOT drained"));
        line(b, "contiguity", f("%d missing, %d gaps, %d duplicate/out of order, %d incomplete connections",
                d.missing(), d.gaps(), d.duplicatesOrOutOfOrder(), d.connectionsIncomplete()));
        line(b, "latency (ms)", f("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s  (n=%d)", num(l.p50Millis()),
                num(l.p90Millis()), num(l.p99Millis()), num(l.p999Millis()), num(l.maxMillis()), num(l.meanMillis()),
                l.count()));
        line(b, "deliveries/s", f("%s over the %s s window", num(d.deliveriesPerSecond()), num(d.measuredSeconds())));
        line(b, "frames", f("%d with events, %s events per frame; %d gzip binary", d.eventFrames(),
                num(d.eventsPerFrame()), d.gzipFrames()));
    }

    private static void server(StringBuilder b, LoadTestReport.Server sv) {
        if (sv == null) {
            line(b, "hub process", "not measured (give --server-pid with --target)");
            return;
        }
        line(b, "hub CPU", sv.cpuSeconds() == null ? "n/a"
                : f("%s s in the window (%s s kernel; %s %% of one core); %s deliveries per CPU-second",
                num(sv.cpuSeconds()), num(sv.cpuSystemSeconds()), num(sv.cpuPercent()),
                sv.deliveriesPerCpuSecond() == null ? "n/a" : num(sv.deliveriesPerCpuSecond())));
        if (sv.idleCpuPercent() != null) {
            line(b, "hub idle CPU", num(sv.idleCpuPercent()) + " % of one core while holding the idle fleet");
        }
        line(b, "hub RSS", f("before %s MB, idle fleet %s MB, after %s MB; %s MB per 100 connections",
                mb(sv.rssBeforeBytes()), mb(sv.rssIdleBytes()), mb(sv.rssAfterBytes()),
                sv.rssPer100ConnectionsBytes() == null ? "n/a" : f("%.3f", sv.rssPer100ConnectionsBytes() / MB)));
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(f("%-16s %s%n", label, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String mb(Long bytes) {
        return bytes == null ? "n/a" : f("%.1f", bytes / MB);
    }

    /** A number for people: grouped thousands, at most three decimals, trailing zeros dropped. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return f("%,d", (long) v);
        }
        return f(Math.abs(v) >= 100 ? "%,.1f" : "%.3f", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
