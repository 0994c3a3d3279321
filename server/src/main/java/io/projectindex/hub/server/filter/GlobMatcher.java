package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.filter.GlobSyntax;

import java.util.ArrayList;
import java.util.List;

/**
 * A glob pattern compiled once and matched against file paths many times. Immutable and
 * thread-safe.
 *
 * <p>Syntax: {@code *} matches any run of characters inside one path segment (never {@code /});
 * {@code **} as a whole segment matches zero or more segments (<code>a/**&#47;b</code> matches
 * {@code a/b} and {@code a/x/y/b}), while {@code **} inside a segment ({@code a**b}) is a plain
 * {@code *}; {@code ?} matches one character; {@code [abc]}, {@code [a-z]}, {@code [!x]} and
 * {@code [^x]} are character classes (a {@code ]} right after the opening bracket or negation
 * is a member, a {@code -} first or last is literal, a backslash inside a class is literal);
 * {@code \x} matches {@code x} literally. Dots are not special: {@code *} matches {@code .env}.
 *
 * <p>Anchoring: a pattern without {@code /} matches the last segment of a path in any
 * directory ({@code *.test.js} matches {@code src/a/b.test.js}); a pattern with a {@code /}
 * matches the whole path ({@code src/*.py} matches {@code src/a.py}, not {@code lib/src/a.py}).
 * A trailing {@code /} means "everything under that directory" ({@code build/} matches
 * {@code build/x} and {@code a/build/x/y}; {@code out/gen/} only {@code out/gen/...}).
 *
 * <p>Normalisation, of paths and patterns alike: a leading {@code ./} is dropped and repeated
 * slashes count as one. A leading {@code /} is dropped from paths, and in a pattern it only
 * anchors ({@code /Makefile} matches {@code Makefile} at the root, not {@code a/Makefile}), so
 * {@code /repo/a.py} and {@code repo/a.py} are the same path. In paths (not patterns, where
 * backslash escapes) {@code \} is read as {@code /}.
 *
 * <p>Case: matching is case-sensitive unless compiled with {@code ignoreCase} — file paths are
 * case-sensitive on the systems the indexer runs on, so {@code *.JS} does not match
 * {@code a.js}. Rules on language and identifier criteria compile their globs ignoring case.
 *
 * <p>Cost: matching is a two-level wildcard match that backtracks only to the most recent
 * {@code *} (within a segment) and the most recent {@code **} (across segments), so it takes at
 * most O(pattern × path) steps per level; there is no regex and no exponential backtracking.
 */
public final class GlobMatcher {
    private final String pattern;
    private final boolean basename;
    private final GlobSegment[] segments;

    private GlobMatcher(String pattern, boolean basename, GlobSegment[] segments) {
        this.pattern = pattern;
        this.basename = basename;
        this.segments = segments;
    }

    /** Compiles a case-sensitive pattern; throws {@link IllegalArgumentException} when its syntax is invalid. */
    public static GlobMatcher compile(String pattern) {
        return compile(pattern, false);
    }

    public static GlobMatcher compile(String pattern, boolean ignoreCase) {
        String problem = GlobSyntax.problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException("invalid glob pattern '" + pattern + "': " + problem);
        }
        String p = pattern;
        while (p.startsWith("./") && p.length() > 2) {
            p = p.substring(2);
        }
        boolean dirOnly = endsWithSeparator(p);
        List<String> raw = split(p);
        boolean anchored = p.startsWith("/") || raw.size() > 1;
        List<GlobSegment> segs = new ArrayList<>();
        if (!anchored && !dirOnly) {
            GlobSegment only = raw.isEmpty() ? GlobSegment.GLOBSTAR : GlobSegment.compile(raw.get(0), ignoreCase);
            return new GlobMatcher(pattern, true, new GlobSegment[] {only});
        }
        if (!anchored) {
            segs.add(GlobSegment.GLOBSTAR);
        }
        for (String r : raw) {
            segs.add(GlobSegment.compile(r, ignoreCase));
        }
        if (dirOnly) {
            // at least one segment below the directory: "build/" is not the file "build"
            segs.add(GlobSegment.GLOBSTAR);
            segs.add(GlobSegment.compile("*", ignoreCase));
        }
        return new GlobMatcher(pattern, false, segs.toArray(new GlobSegment[0]));
    }

    public String pattern() {
        return pattern;
    }

    /** True when the path (normalised first, see class comment) matches. */
    public boolean matches(String path) {
        return path != null && matchesNormalized(normalize(path));
    }

    /** As {@link #matches}, for a path already passed through {@link #normalize}. */
    public boolean matchesNormalized(String path) {
        if (basename) {
            GlobSegment only = segments[0];
            return only.globstar() || only.matches(path, path.lastIndexOf('/') + 1, path.length());
        }
        return matchSegments(path);
    }

    /** {@code \} to {@code /}, repeated slashes collapsed, leading {@code ./} and {@code /} dropped. */
    public static String normalize(String path) {
        String p = path.indexOf('\\') >= 0 ? path.replace('\\', '/') : path;
        if (p.contains("//")) {
            StringBuilder b = new StringBuilder(p.length());
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c != '/' || b.length() == 0 || b.charAt(b.length() - 1) != '/') {
                    b.append(c);
                }
            }
            p = b.toString();
        }
        int start = 0;
        while (true) {
            if (p.startsWith("./", start)) {
                start += 2;
            } else if (p.startsWith("/", start)) {
                start += 1;
            } else {
                break;
            }
        }
        return start == 0 ? p : p.substring(start);
    }

    /** Segment-level wildcard match: {@code **} is the star, every other segment matches exactly one. */
    private boolean matchSegments(String s) {
        int n = segments.length;
        int len = s.length();
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i <= len) {
            int end = segmentEnd(s, i);
            if (p < n && !segments[p].globstar() && segments[p].matches(s, i, end)) {
                p++;
                i = end + 1;
            } else if (p < n && segments[p].globstar()) {
                starP = p++;
                starI = i;
            } else if (starP >= 0) {
                p = starP + 1;
                starI = segmentEnd(s, starI) + 1;
                i = starI;
            } else {
                return false;
            }
        }
        while (p < n && segments[p].globstar()) {
            p++;
        }
        return p == n;
    }

    private static int segmentEnd(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }

    private static boolean endsWithSeparator(String p) {
        if (!p.endsWith("/")) {
            return false;
        }
        int backslashes = 0;
        for (int i = p.length() - 2; i >= 0 && p.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 0;
    }

    /** Splits on unescaped {@code /} outside character classes; empty segments are dropped. */
    private static List<String> split(String p) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[') {
                i = GlobSegment.classEnd(p, i) + 1;
            } else if (c == '/') {
                if (i > start) {
                    out.add(p.substring(start, i));
                }
                start = ++i;
            } else {
                i++;
            }
        }
        if (start < p.length()) {
            out.add(p.substring(start));
        }
        return out;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
