package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.protocol.data.ChangeType;
import io.projectindex.hub.protocol.data.ContextOptimizedData;
import io.projectindex.hub.protocol.data.DependencyChangedData;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.protocol.data.ProjectIndexUpdatedData;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;
import java.time.Instant;

/**
 * The relevance score of PROTOCOL §7, computed once per event into {@link EventFacts}.
 * Thread-safe (stateless apart from the clock).
 *
 * <p>{@code score = min(1, base × (1 + 0.1 × recency))}, rounded to six decimals so that
 * thresholds and {@code relevance_score} rules compare as written (0.6 × 1.1 is 0.66, not
 * 0.6600000000000001). Recency is taken from the event's age when the facts are computed: at
 * fan-out for live events, at read time for replayed ones. Bases:
 * <ul>
 *   <li>{@code project_index_updated} 0.7; +0.1 if {@code files_analyzed} &gt; 50, +0.1 if
 *       {@code dependencies_updated} &gt; 20, +0.2 if {@code error_count} &gt; 0.</li>
 *   <li>{@code analysis_progress} 0.3, or 0.6 at exactly 25/50/75/100 %; +0.3 if
 *       {@code errors_encountered} &gt; 0. (The original halved off-cadence progress scores;
 *       cadence is the progress threshold's job, so that is not done.)</li>
 *   <li>{@code dependency_changed} 0.6; +0.2 for {@code removed}/{@code deleted}, +0.2 if more
 *       than 5 {@code affected_files}, +0.1 if its language is one the filter prefers (the only
 *       preference-dependent part; both variants are precomputed).</li>
 *   <li>{@code context_optimized} 0.5 + 0.3 × {@code confidence_score} (0.5 when absent or
 *       out of range), +0.1 with architectural patterns, +0.1 with potential challenges.</li>
 * </ul>
 * An absent or malformed field contributes nothing (as if it were 0 or empty).
 */
public final class RelevanceScorer {
    /** Confidence assumed when {@code optimization_results.confidence_score} is absent: 0.5. */
    public static final double DEFAULT_CONFIDENCE = 0.5;
    static final double PREFERRED_LANGUAGE_BONUS = 0.1;

    private final HubClock clock;

    public RelevanceScorer(HubClock clock) {
        this.clock = clock;
    }

    /** The facts of a stored event, its age measured now. */
    public EventFacts facts(StoredEvent event) {
        EventData data = event.typedData() != null ? event.typedData() : EventData.view(event.type(), event.data());
        return facts(event.type(), data, event.timestamp());
    }

    public EventFacts facts(EventType type, EventData data, Instant timestamp) {
        if (data == null) {
            data = EventData.view(type, null);
        }
        double base = base(data);
        Duration age = timestamp == null ? Duration.ZERO : Duration.between(timestamp, clock.now());
        double recency = recencyFactor(age);
        double preferred = hasLanguage(data)
                ? score(base + PREFERRED_LANGUAGE_BONUS, recency) : score(base, recency);
        return new EventFacts(type, data, base, recency, score(base, recency), preferred);
    }

    /** 1.0 up to 5 minutes old (or from the future), 0.8 up to 30, 0.5 up to 60, then 0.2. */
    public static double recencyFactor(Duration age) {
        if (age.compareTo(Duration.ofMinutes(5)) <= 0) {
            return 1.0;
        }
        if (age.compareTo(Duration.ofMinutes(30)) <= 0) {
            return 0.8;
        }
        if (age.compareTo(Duration.ofMinutes(60)) <= 0) {
            return 0.5;
        }
        return 0.2;
    }

    /** {@code min(1, base × (1 + 0.1 × recency))}, rounded to six decimals. */
    public static double score(double base, double recency) {
        double s = Math.min(1.0, base * (1 + 0.1 * recency));
        return Math.round(s * 1_000_000d) / 1_000_000d;
    }

    /** The base score of the event's type and content, without the preferred-language bonus. */
    public static double base(EventData data) {
        if (data instanceof ProjectIndexUpdatedData) {
            ProjectIndexUpdatedData d = (ProjectIndexUpdatedData) data;
            return 0.7 + (above(d.filesAnalyzed(), 50) ? 0.1 : 0) + (above(d.dependenciesUpdated(), 20) ? 0.1 : 0)
                    + (above(d.errorCount(), 0) ? 0.2 : 0);
        }
        if (data instanceof AnalysisProgressData) {
            AnalysisProgressData d = (AnalysisProgressData) data;
            return (d.isMilestone() ? 0.6 : 0.3) + (above(d.errorsEncountered(), 0) ? 0.3 : 0);
        }
        if (data instanceof DependencyChangedData) {
            DependencyChangedData d = (DependencyChangedData) data;
            boolean breaking = d.changeType() == ChangeType.REMOVED || d.changeType() == ChangeType.DELETED;
            boolean wide = d.impactAnalysis() != null && d.impactAnalysis().affectedFiles().size() > 5;
            return 0.6 + (breaking ? 0.2 : 0) + (wide ? 0.2 : 0);
        }
        ContextOptimizedData d = (ContextOptimizedData) data;
        Double confidence = d.optimizationResults() == null ? null : d.optimizationResults().confidenceScore();
        double c = confidence == null ? DEFAULT_CONFIDENCE : confidence;
        boolean patterns = d.recommendations() != null && !d.recommendations().architecturalPatterns().isEmpty();
        boolean challenges = d.recommendations() != null && !d.recommendations().potentialChallenges().isEmpty();
        return 0.5 + 0.3 * c + (patterns ? 0.1 : 0) + (challenges ? 0.1 : 0);
    }

    /** Only dependency events earn the preferred-language bonus. */
    private static boolean hasLanguage(EventData data) {
        if (!(data instanceof DependencyChangedData)) {
            return false;
        }
        String l = ((DependencyChangedData) data).language();
        return l != null && !l.isBlank();
    }

    private static boolean above(Long value, long limit) {
        return value != null && value > limit;
    }
}
