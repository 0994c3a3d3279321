package io.projectindex.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.filter.CompiledFilter;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.filter.FilterGroup;
import io.projectindex.hub.server.filter.FilterGroups;
import io.projectindex.hub.server.filter.GlobalFilters;
import io.projectindex.hub.server.filter.ProgressGate;
import io.projectindex.hub.server.filter.RelevanceScorer;
import io.projectindex.hub.server.filter.SubscriptionFilter;
import io.projectindex.hub.server.time.HubClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Filtering one event for 10,000 subscribers that use 10 distinct filter specs: grouped (one
 * evaluation per distinct spec per event, a memo lookup per subscriber) against naive
 * per-subscriber evaluation (each subscriber runs its own compiled filter), and against the
 * original design's shape (each subscriber also rescores the event). Every variant applies
 * the connection preferences, the subscription filters and the per-subscriber progress gate,
 * and records deliveries in the gate, so only the grouping differs. One operation = one event
 * fanned out to every subscriber.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FilterGroupBenchmark {
    private static final String[] SPECS = {
            "{}",
            "{\"high_impact_only\":true}",
            "{\"notification_frequency\":\"low\"}",
            "{\"notification_frequency\":\"high\",\"min_progress_threshold\":25}",
            "{\"preferred_languages\":[\"python\",\"javascript\"]}",
            "{\"ignored_file_patterns\":[\"*.test.js\",\"*.spec.py\",\"**/generated/**\",\"vendor/\"]}",
            "{\"min_progress_updates\":10,\"ignored_file_patterns\":[\"*.md\"]}",
            "{\"rules\":[{\"criteria\":\"event_type\",\"operator\":\"in\",\"value\":[\"dependency_changed\",\"project_index_updated\"]},"
                    + "{\"criteria\":\"file_path\",\"operator\":\"matches\",\"value\":\"src/**/*.py\"}]}",
            "{\"rules\":[{\"criteria\":\"relevance_score\",\"operator\":\"greater_equal\",\"value\":0.5},"
                    + "{\"criteria\":\"file_language\",\"operator\":\"not_in\",\"value\":[\"java\",\"kotlin\"]}]}",
            "{\"preferred_languages\":[\"go\"],\"high_impact_only\":true,"
                    + "\"rules\":[{\"criteria\":\"dependency_type\",\"operator\":\"equals\",\"value\":\"import\"}]}",
    };

    @Param("10000")
    public int subscribers;

    private final RelevanceScorer scorer = new RelevanceScorer(HubClock.SYSTEM);
    private final GlobalFilters global = GlobalFilters.NONE;
    private Event[] events;
    private int next;

    // grouped
    private FilterGroups groups;
    private FilterGroup sharedPreferences;
    private SubscriptionFilter[] grouped;

    // naive: every subscriber compiles and runs its own filters
    private CompiledFilter[] naivePreferences;
    private CompiledFilter[] naiveFilters;
    private ProgressGate[] naiveGates;

    /** A pre-parsed event as the hub holds it after publish. */
    private record Event(EventType type, EventData data, Instant timestamp) {
    }

    @Setup
    public void setUp() {
        events = sampleEvents();
        groups = new FilterGroups();
        sharedPreferences = groups.acquire(FilterSpec.DEFAULT);
        grouped = new SubscriptionFilter[subscribers];
        naivePreferences = new CompiledFilter[subscribers];
        naiveFilters = new CompiledFilter[subscribers];
        naiveGates = new ProgressGate[subscribers];
        for (int i = 0; i < subscribers; i++) {
            FilterSpec spec = spec(SPECS[i % SPECS.length]);
            grouped[i] = groups.subscription(spec);
            naivePreferences[i] = CompiledFilter.compile(FilterSpec.DEFAULT);
            naiveFilters[i] = CompiledFilter.compile(spec(SPECS[i % SPECS.length]));
            naiveGates[i] = new ProgressGate();
        }
        if (groups.distinct() != SPECS.length) {
            throw new IllegalStateException("expected " + SPECS.length + " groups, got " + groups.distinct());
        }
    }

    private Event nextEvent() {
        Event e = events[next];
        next = (next + 1) % events.length;
        return e;
    }

    @Benchmark
    public int grouped() {
        Event e = nextEvent();
        EventFacts facts = scorer.facts(e.type, e.data, e.timestamp);
        if (!global.test(facts).passed()) {
            return 0;
        }
        int delivered = 0;
        for (SubscriptionFilter s : grouped) {
            if (s.test(facts, sharedPreferences).passed()) {
                s.delivered(facts, sharedPreferences);
                delivered++;
            }
        }
        return delivered;
    }

    @Benchmark
    public int naivePerSubscriber() {
        Event e = nextEvent();
        EventFacts facts = scorer.facts(e.type, e.data, e.timestamp);
        if (!global.test(facts).passed()) {
            return 0;
        }
        int delivered = 0;
        for (int i = 0; i < naiveFilters.length; i++) {
            if (naiveDecide(i, facts)) {
                delivered++;
            }
        }
        return delivered;
    }

    @Benchmark
    public int naivePerSubscriberWithRescoring() {
        Event e = nextEvent();
        int delivered = 0;
        for (int i = 0; i < naiveFilters.length; i++) {
            EventFacts facts = scorer.facts(e.type, e.data, e.timestamp);
            if (global.test(facts).passed() && naiveDecide(i, facts)) {
                delivered++;
            }
        }
        return delivered;
    }

    private boolean naiveDecide(int i, EventFacts facts) {
        if (!naivePreferences[i].test(facts).passed()) {
            return false;
        }
        CompiledFilter f = naiveFilters[i];
        if (f.test(facts) != FilterDecision.PASS) {
            return false;
        }
        int step = Math.max(f.progressStep(), naivePreferences[i].progressStep());
        if (step > 0 && !naiveGates[i].admits(facts, step)) {
            return false;
        }
        if (step > 0) {
            naiveGates[i].delivered(facts);
        }
        return true;
    }

    private static FilterSpec spec(String json) {
        List<FieldError> errors = new ArrayList<>();
        FilterSpec spec = FilterSpec.read(Json.readTree(json), "filters", errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(json + ": " + errors);
        }
        return spec;
    }

    /** 64 events: a rotating mix of the four types with varied paths, languages and progress. */
    private static Event[] sampleEvents() {
        String project = UUID.randomUUID().toString();
        String[] sessions = {UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString()};
        String[] paths = {"src/app/main.py", "src/ui/button.test.js", "vendor/lib/x.go", "docs/readme.md",
                "src/generated/api.py", "lib/core/Model.java"};
        String[] languages = {"python", "javascript", "go", "markdown", "python", "java"};
        List<Event> out = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 64; i++) {
            String json;
            switch (i % 4) {
                case 0:
                    json = """
                            {"type":"analysis_progress","data":{"project_id":"%s","session_id":"%s","progress_percentage":%d,
                             "current_file":"%s","processing_rate":2.5,"errors_encountered":%d}}"""
                            .formatted(project, sessions[i % 3], (i * 7) % 101, paths[i % paths.length], i % 16 == 0 ? 1 : 0);
                    break;
                case 1:
                    json = """
                            {"type":"dependency_changed","data":{"project_id":"%s","file_path":"%s","change_type":"%s",
                             "dependency_details":{"relationship_type":"import"},
                             "impact_analysis":{"affected_files":["a","b"]},"file_metadata":{"language":"%s"}}}"""
                            .formatted(project, paths[i % paths.length], i % 3 == 0 ? "deleted" : "modified",
                                    languages[i % languages.length]);
                    break;
                case 2:
                    json = """
                            {"type":"project_index_updated","data":{"project_id":"%s","status":"completed","files_analyzed":%d,
                             "dependencies_updated":25,"statistics":{"languages_detected":["%s","%s"]}}}"""
                            .formatted(project, i * 3, languages[i % languages.length], languages[(i + 1) % languages.length]);
                    break;
                default:
                    json = """
                            {"type":"context_optimized","data":{"project_id":"%s","context_id":"%s",
                             "optimization_results":{"confidence_score":0.%d}}}"""
                            .formatted(project, UUID.randomUUID(), i % 10);
            }
            JsonNode root = Json.readTree(json);
            EventType type = EventType.fromWire(root.get("type").textValue()).orElseThrow();
            out.add(new Event(type, EventData.view(type, root.get("data")), now));
        }
        return out.toArray(new Event[0]);
    }
}
