package io.projectindex.hub.server.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * One compiled path segment of a {@link GlobMatcher}: a sequence of literal code points,
 * {@code ?}, {@code *} and character classes, matched against the characters of one path
 * segment. Immutable and thread-safe.
 */
final class GlobSegment {
    private static final byte LITERAL = 0;
    private static final byte ANY = 1;
    private static final byte STAR = 2;
    private static final byte CLASS = 3;

    /** The {@code **} segment. */
    static final GlobSegment GLOBSTAR = new GlobSegment(new byte[0], new int[0], new int[0][], false, true);

    private final byte[] kinds;
    private final int[] literals;
    /** Per CLASS token: [negated (0/1), lo1, hi1, lo2, hi2, ...]. */
    private final int[][] classes;
    private final boolean ignoreCase;
    private final boolean globstar;

    private GlobSegment(byte[] kinds, int[] literals, int[][] classes, boolean ignoreCase, boolean globstar) {
        this.kinds = kinds;
        this.literals = literals;
        this.classes = classes;
        this.ignoreCase = ignoreCase;
        this.globstar = globstar;
    }

    boolean globstar() {
        return globstar;
    }

    /** Compiles one segment (no unescaped {@code /} outside classes); its syntax was checked. */
    static GlobSegment compile(String raw, boolean ignoreCase) {
        if (raw.equals("**")) {
            return GLOBSTAR;
        }
        List<Byte> kinds = new ArrayList<>();
        List<Integer> literals = new ArrayList<>();
        List<int[]> classes = new ArrayList<>();
        int i = 0;
        while (i < raw.length()) {
            int cp = raw.codePointAt(i);
            if (cp == '\\') {
                int escaped = raw.codePointAt(i + 1);
                add(kinds, literals, classes, LITERAL, escaped, null);
                i += 1 + Character.charCount(escaped);
            } else if (cp == '?') {
                add(kinds, literals, classes, ANY, 0, null);
                i++;
            } else if (cp == '*') {
                if (kinds.isEmpty() || kinds.get(kinds.size() - 1) != STAR) {
                    add(kinds, literals, classes, STAR, 0, null); // "a**b" is "a*b"
                }
                i++;
            } else if (cp == '[') {
                int end = classEnd(raw, i);
                add(kinds, literals, classes, CLASS, 0, parseClass(raw, i, end));
                i = end + 1;
            } else {
                add(kinds, literals, classes, LITERAL, cp, null);
                i += Character.charCount(cp);
            }
        }
        byte[] k = new byte[kinds.size()];
        int[] l = new int[kinds.size()];
        for (int j = 0; j < k.length; j++) {
            k[j] = kinds.get(j);
            l[j] = literals.get(j);
        }
        return new GlobSegment(k, l, classes.toArray(new int[0][]), ignoreCase, false);
    }

    private static void add(List<Byte> kinds, List<Integer> literals, List<int[]> classes, byte kind, int literal,
                            int[] cls) {
        kinds.add(kind);
        literals.add(literal);
        classes.add(cls);
    }

    /** Index of the {@code ]} closing the class opened at {@code open} (same rules as GlobSyntax). */
    static int classEnd(String p, int open) {
        int j = open + 1;
        if (j < p.length() && (p.charAt(j) == '!' || p.charAt(j) == '^')) {
            j++;
        }
        if (j < p.length() && p.charAt(j) == ']') {
            j++;
        }
        while (j < p.length() && p.charAt(j) != ']') {
            j++;
        }
        return j;
    }

    private static int[] parseClass(String p, int open, int close) {
        int j = open + 1;
        boolean negated = p.charAt(j) == '!' || p.charAt(j) == '^';
        if (negated) {
            j++;
        }
        List<Integer> members = new ArrayList<>();
        members.add(negated ? 1 : 0);
        while (j < close) {
            int lo = p.codePointAt(j);
            j += Character.charCount(lo);
            int hi = lo;
            // "a-z" is a range; a '-' first or last is a literal
            if (j + 1 < close && p.charAt(j) == '-') {
                hi = p.codePointAt(j + 1);
                j += 1 + Character.charCount(hi);
            }
            members.add(Math.min(lo, hi));
            members.add(Math.max(lo, hi));
        }
        return members.stream().mapToInt(Integer::intValue).toArray();
    }

    /** True when {@code s[from, to)} matches; a greedy match that backtracks only to the last star. */
    boolean matches(String s, int from, int to) {
        if (globstar) {
            return true;
        }
        int n = kinds.length;
        int p = 0;
        int i = from;
        int starP = -1;
        int starI = -1;
        while (i < to) {
            if (p < n && kinds[p] == STAR) {
                starP = p++;
                starI = i;
                continue;
            }
            if (p < n) {
                int cp = s.codePointAt(i);
                if (matchesOne(p, cp)) {
                    p++;
                    i += Character.charCount(cp);
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            p = starP + 1;
            starI += Character.charCount(s.codePointAt(starI));
            i = starI;
        }
        while (p < n && kinds[p] == STAR) {
            p++;
        }
        return p == n;
    }

    private boolean matchesOne(int token, int cp) {
        switch (kinds[token]) {
            case ANY:
                return true;
            case LITERAL:
                return literals[token] == cp || ignoreCase && fold(literals[token]) == fold(cp);
            case CLASS:
                return inClass(classes[token], cp);
            default:
                return false;
        }
    }

    private boolean inClass(int[] cls, int cp) {
        boolean hit = inRanges(cls, cp)
                || ignoreCase && (inRanges(cls, Character.toLowerCase(cp)) || inRanges(cls, Character.toUpperCase(cp)));
        return hit != (cls[0] == 1);
    }

    private static boolean inRanges(int[] cls, int cp) {
        for (int k = 1; k < cls.length; k += 2) {
            if (cp >= cls[k] && cp <= cls[k + 1]) {
                return true;
            }
        }
        return false;
    }

    private static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }
}
