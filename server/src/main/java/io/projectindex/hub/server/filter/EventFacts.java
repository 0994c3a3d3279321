package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.protocol.data.DependencyChangedData;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.protocol.data.ProjectIndexUpdatedData;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What the filters need to know about one event, extracted once per event (not once per
 * subscriber) by {@link RelevanceScorer#facts}. Immutable and thread-safe.
 *
 * <p>Every field is read from the typed view of {@code data}; a field that is absent, JSON
 * null or of the wrong type is absent here (null, empty, or -1 for counts). Per type:
 * <ul>
 *   <li>{@link #languages()}: {@code dependency_changed.file_metadata.language}, or every
 *       element of {@code project_index_updated.statistics.languages_detected}; lower-cased,
 *       distinct, blanks dropped; empty for the other types.</li>
 *   <li>{@link #path()}: {@code dependency_changed.file_path} or
 *       {@code analysis_progress.current_file}, normalised by {@link GlobMatcher#normalize}.</li>
 *   <li>{@link #progress()}, {@link #sessionId()}: of {@code analysis_progress}.</li>
 *   <li>{@link #errorCount()}: {@code analysis_progress.errors_encountered} or
 *       {@code project_index_updated.error_count}.</li>
 *   <li>{@link #performance()}: {@code analysis_progress.processing_rate} or
 *       {@code project_index_updated.analysis_duration_seconds}.</li>
 *   <li>{@link #dependencyType()}: {@code dependency_changed.dependency_details.relationship_type}.</li>
 * </ul>
 */
public final class EventFacts {
    private final EventType type;
    private final String projectId;
    private final UUID sessionId;
    private final List<String> languages;
    private final String path;
    private final Double progress;
    private final boolean milestone;
    private final long errorCount;
    private final Double performance;
    private final String dependencyType;
    private final double baseScore;
    private final double recency;
    private final double score;
    private final double scoreWithPreferredLanguage;

    EventFacts(EventType type, EventData data, double baseScore, double recency, double score,
               double scoreWithPreferredLanguage) {
        this.type = type;
        this.projectId = data.projectId() == null ? null : data.projectId().toString();
        this.baseScore = baseScore;
        this.recency = recency;
        this.score = score;
        this.scoreWithPreferredLanguage = scoreWithPreferredLanguage;
        UUID session = null;
        List<String> langs = List.of();
        String p = null;
        Double progressValue = null;
        boolean isMilestone = false;
        long errors = -1;
        Double perf = null;
        String depType = null;
        if (data instanceof AnalysisProgressData) {
            AnalysisProgressData d = (AnalysisProgressData) data;
            session = d.sessionId();
            p = d.currentFile();
            progressValue = d.progressPercentage();
            isMilestone = d.isMilestone();
            errors = d.errorsEncountered() == null ? -1 : d.errorsEncountered();
            perf = d.processingRate();
        } else if (data instanceof DependencyChangedData) {
            DependencyChangedData d = (DependencyChangedData) data;
            p = d.filePath();
            langs = languages(d.language() == null ? List.of() : List.of(d.language()));
            depType = d.dependencyDetails() == null || d.dependencyDetails().relationshipType() == null ? null
                    : d.dependencyDetails().relationshipType().wire();
        } else if (data instanceof ProjectIndexUpdatedData) {
            ProjectIndexUpdatedData d = (ProjectIndexUpdatedData) data;
            langs = d.statistics() == null ? List.of() : languages(d.statistics().languagesDetected());
            errors = d.errorCount() == null ? -1 : d.errorCount();
            perf = d.analysisDurationSeconds();
        }
        this.sessionId = session;
        this.languages = langs;
        this.path = p == null || p.isEmpty() ? null : GlobMatcher.normalize(p);
        this.progress = progressValue;
        this.milestone = isMilestone;
        this.errorCount = errors;
        this.performance = perf;
        this.dependencyType = depType;
    }

    private static List<String> languages(List<String> raw) {
        List<String> out = new ArrayList<>(raw.size());
        for (String l : raw) {
            String s = l == null ? "" : l.trim().toLowerCase(Locale.ROOT);
            if (!s.isEmpty() && !out.contains(s)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    public EventType type() {
        return type;
    }

    /** {@code data.project_id} in canonical lower-case form, or null. */
    public String projectId() {
        return projectId;
    }

    /** {@code analysis_progress.session_id}, or null. */
    public UUID sessionId() {
        return sessionId;
    }

    /** Lower-case languages of the event; empty when it carries none. */
    public List<String> languages() {
        return languages;
    }

    /** Normalised file path, or null. */
    public String path() {
        return path;
    }

    /** {@code progress_percentage} of a progress event, or null. */
    public Double progress() {
        return progress;
    }

    /** True for progress at exactly 25, 50, 75 or 100 percent. */
    public boolean milestone() {
        return milestone;
    }

    /** Errors reported by a progress or update event, or -1 when absent. */
    public long errorCount() {
        return errorCount;
    }

    public Double performance() {
        return performance;
    }

    public String dependencyType() {
        return dependencyType;
    }

    /** The type's base score before recency (without the preferred-language bonus). */
    public double baseScore() {
        return baseScore;
    }

    /** The recency factor used: 1.0, 0.8, 0.5 or 0.2. */
    public double recency() {
        return recency;
    }

    /**
     * The relevance score 0..1 for a filter whose preferred languages do ({@code true}) or do
     * not include one of this event's languages; only {@code dependency_changed} scores differ.
     */
    public double score(boolean languagePreferred) {
        return languagePreferred ? scoreWithPreferredLanguage : score;
    }

    @Override
    public String toString() {
        return type.wire() + "{score=" + score + ", languages=" + languages + ", path=" + path
                + ", progress=" + progress + ", errors=" + errorCount + "}";
    }
}
