package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.filter.FilterRule;
import io.projectindex.hub.protocol.filter.FilterSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The stateless part of one {@link FilterSpec} (subscription filters or connection
 * preferences), compiled once: everything except the progress threshold, which needs
 * per-session state ({@link ProgressGate}). Immutable and thread-safe; equal specs give
 * filters that decide identically, so one instance can serve every subscriber that uses it.
 *
 * <p>Checks, in this order (the first failure is the reason reported):
 * <ol>
 *   <li>{@link FilterDecision#RELEVANCE}: score below 0.7 with {@code high_impact_only},
 *       else below the {@code notification_frequency} threshold (low 0.6, normal 0.3, high 0.1).
 *       The score includes the +0.1 of a dependency event whose language this spec prefers.</li>
 *   <li>{@link FilterDecision#LANGUAGE}: with {@code preferred_languages}, an event that carries
 *       languages must have at least one of them (ignoring case); events without one pass.</li>
 *   <li>{@link FilterDecision#IGNORED_PATTERN}: the event's path matches a pattern of
 *       {@code ignored_file_patterns} ({@link GlobMatcher}); events without a path pass.</li>
 *   <li>{@link FilterDecision#RULE}: every custom rule must hold ({@link CompiledRule}).</li>
 * </ol>
 */
public final class CompiledFilter {
    /** The relevance threshold of {@code high_impact_only}: 0.7. */
    public static final double HIGH_IMPACT_MIN_RELEVANCE = 0.7;

    private final FilterSpec spec;
    private final double minRelevance;
    private final Set<String> preferredLanguages;
    private final GlobMatcher[] ignored;
    private final CompiledRule[] rules;

    private CompiledFilter(FilterSpec spec) {
        this.spec = spec;
        this.minRelevance = spec.highImpactOnly() ? HIGH_IMPACT_MIN_RELEVANCE : spec.notificationFrequency().minRelevance();
        Set<String> langs = new HashSet<>();
        for (String l : spec.preferredLanguages()) {
            String s = l.trim().toLowerCase(Locale.ROOT);
            if (!s.isEmpty()) {
                langs.add(s);
            }
        }
        this.preferredLanguages = Set.copyOf(langs);
        this.ignored = spec.ignoredFilePatterns().stream().map(GlobMatcher::compile).toArray(GlobMatcher[]::new);
        List<FilterRule> specRules = spec.rules();
        this.rules = specRules.stream().map(CompiledRule::compile).toArray(CompiledRule[]::new);
    }

    /**
     * Compiles a validated spec. Throws {@link IllegalArgumentException} only if an ignored
     * pattern is not valid glob syntax, which {@link FilterSpec#read} already rejects.
     */
    public static CompiledFilter compile(FilterSpec spec) {
        return new CompiledFilter(spec);
    }

    public FilterSpec spec() {
        return spec;
    }

    /** The progress step N of this spec (0 = off); applied by {@link SubscriptionFilter}. */
    public int progressStep() {
        return spec.minProgressThreshold();
    }

    public double minRelevance() {
        return minRelevance;
    }

    /** The stateless decision for one event: {@link FilterDecision#PASS} or the first failing check. */
    public FilterDecision test(EventFacts f) {
        boolean preferred = prefers(f.languages());
        double score = f.score(preferred);
        if (score < minRelevance) {
            return FilterDecision.RELEVANCE;
        }
        if (!preferredLanguages.isEmpty() && !f.languages().isEmpty() && !preferred) {
            return FilterDecision.LANGUAGE;
        }
        String path = f.path();
        if (path != null) {
            for (GlobMatcher g : ignored) {
                if (g.matchesNormalized(path)) {
                    return FilterDecision.IGNORED_PATTERN;
                }
            }
        }
        for (CompiledRule r : rules) {
            if (!r.test(f, score)) {
                return FilterDecision.RULE;
            }
        }
        return FilterDecision.PASS;
    }

    private boolean prefers(List<String> languages) {
        if (preferredLanguages.isEmpty()) {
            return false;
        }
        for (int i = 0; i < languages.size(); i++) {
            if (preferredLanguages.contains(languages.get(i))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "CompiledFilter" + spec;
    }
}
