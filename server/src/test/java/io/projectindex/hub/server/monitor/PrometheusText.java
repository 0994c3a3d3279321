package io.projectindex.hub.server.monitor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be
 * blank, a HELP/TYPE comment or a sample; every sample must belong to a family declared by a TYPE
 * line before it; no series may appear twice. Throws {@link IllegalArgumentException} naming the
 * line otherwise.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final String[] SUFFIXES = {"_bucket", "_count", "_sum", "_total", "_created"};

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> help = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        Set<String> series = new HashSet<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                p.comment(line, n);
                continue;
            }
            Sample s = sample(line, n);
            if (p.family(s.name()) == null) {
                throw new IllegalArgumentException("line " + n + ": sample " + s.name() + " has no TYPE before it");
            }
            if (!series.add(s.name() + s.labels())) {
                throw new IllegalArgumentException("line " + n + ": duplicate series " + s.name() + s.labels());
            }
            p.samples.add(s);
        }
        return p;
    }

    private void comment(String line, int n) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("TYPE") || parts[1].equals("HELP"))) {
            if (!NAME.matcher(parts[2]).matches()) {
                throw new IllegalArgumentException("line " + n + ": bad metric name " + parts[2]);
            }
            if (parts[1].equals("TYPE")) {
                if (parts.length != 4 || !TYPES.contains(parts[3])) {
                    throw new IllegalArgumentException("line " + n + ": bad TYPE " + line);
                }
                if (types.put(parts[2], parts[3]) != null) {
                    throw new IllegalArgumentException("line " + n + ": second TYPE for " + parts[2]);
                }
            } else {
                help.put(parts[2], parts.length == 4 ? parts[3] : "");
            }
        }
    }

    private static Sample sample(String line, int n) {
        int brace = line.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new TreeMap<>();
        if (brace >= 0 && brace < line.indexOf(' ')) {
            name = line.substring(0, brace);
            int close = line.indexOf("} ", brace);
            if (close < 0) {
                throw new IllegalArgumentException("line " + n + ": unterminated labels: " + line);
            }
            String body = line.substring(brace + 1, close);
            Matcher m = LABEL.matcher(body);
            int at = 0;
            while (at < body.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException("line " + n + ": bad labels {" + body + "}");
                }
                if (labels.put(m.group(1), m.group(2)) != null) {
                    throw new IllegalArgumentException("line " + n + ": repeated label " + m.group(1));
                }
                at = m.end();
                if (at < body.length()) {
                    if (body.charAt(at) != ',') {
                        throw new IllegalArgumentException("line " + n + ": bad labels {" + body + "}");
                    }
                    at++;
                }
            }
            space = close + 1;
        } else {
            space = line.indexOf(' ');
            name = line.substring(0, Math.max(0, space));
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("line " + n + ": bad metric name '" + name + "'");
        }
        String[] rest = line.substring(space + 1).trim().split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("line " + n + ": expected a value and an optional timestamp: " + line);
        }
        return new Sample(name, labels, value(rest[0], n));
    }

    private static double value(String text, int n) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + n + ": bad value " + text);
                }
        }
    }

    /** The declared family a sample name belongs to, or null. */
    String family(String sampleName) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    /** The value of the one sample with this name and exactly these labels ("k", "v", …). */
    double value(String name, String... labelPairs) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + want + "; samples named so: "
                        + samples.stream().filter(s -> s.name().equals(name)).map(Sample::labels).toList()))
                .value();
    }

    /** Every label name used by a sample whose name starts with {@code prefix}. */
    Set<String> labelNames(String prefix) {
        Set<String> out = new HashSet<>();
        samples.stream().filter(s -> s.name().startsWith(prefix)).forEach(s -> out.addAll(s.labels().keySet()));
        return out;
    }
}
