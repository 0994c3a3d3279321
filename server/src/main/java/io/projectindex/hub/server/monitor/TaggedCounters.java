package io.projectindex.hub.server.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Thread-safe: one counter name with a few tags whose values are not known in advance (error
 * types, filter reasons, close codes). Guards cardinality: a value that is not a short
 * identifier, and any value past {@link #maxSeries} distinct combinations, is counted under
 * {@value #OTHER}. Callers on hot paths keep the returned {@link Counter}.
 */
final class TaggedCounters {
    static final String OTHER = "other";
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final List<String> keys;
    private final int maxSeries;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    TaggedCounters(MeterRegistry registry, String name, String description, int maxSeries, String... keys) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.keys = List.of(keys);
        this.maxSeries = maxSeries;
    }

    /** The counter for these tag values (one per key, in order), registered on first use. */
    Counter get(String... values) {
        if (values.length != keys.size()) {
            throw new IllegalArgumentException(name + " takes tags " + keys + ", got " + values.length + " values");
        }
        String[] clean = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            clean[i] = values[i] != null && VALUE.matcher(values[i]).matches() ? values[i] : OTHER;
        }
        String key = String.join("\u0001", clean);
        Counter c = counters.get(key);
        if (c != null) {
            return c;
        }
        if (counters.size() >= maxSeries) {
            String[] other = new String[clean.length];
            java.util.Arrays.fill(other, OTHER);
            clean = other;
            key = String.join("\u0001", clean);
        }
        String[] tags = clean;
        return counters.computeIfAbsent(key, k -> {
            Counter.Builder b = Counter.builder(name).description(description);
            for (int i = 0; i < tags.length; i++) {
                b.tag(keys.get(i), tags[i]);
            }
            return b.register(registry);
        });
    }

    /**
     * Counts for JSON: {@code {value: count}} for one tag, {@code {value1: {value2: count}}} for two,
     * sorted by tag value.
     */
    Map<String, Object> counts() {
        Map<String, Object> out = new java.util.TreeMap<>();
        counters.forEach((key, counter) -> {
            String[] values = key.split("\u0001", -1);
            Map<String, Object> level = out;
            for (int i = 0; i < values.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) level.computeIfAbsent(values[i], v -> new java.util.TreeMap<>());
                level = next;
            }
            level.put(values[values.length - 1], (long) counter.count());
        });
        return out;
    }

    /** Sum over every tag combination. */
    long total() {
        double sum = 0;
        for (Counter c : counters.values()) {
            sum += c.count();
        }
        return (long) sum;
    }
}
