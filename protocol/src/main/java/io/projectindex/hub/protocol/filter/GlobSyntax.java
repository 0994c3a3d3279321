package io.projectindex.hub.protocol.filter;

/**
 * Syntax check for glob patterns ({@code *}, {@code **}, {@code ?}, {@code [abc]},
 * {@code [!a-z]}, backslash escapes), so a bad pattern is rejected when it is submitted rather
 * than when an event is evaluated.
 */
public final class GlobSyntax {
    public static final int MAX_LENGTH = 512;

    private GlobSyntax() {
    }

    /** A sentence describing what is wrong with the pattern, or null when it is valid. */
    public static String problem(String pattern) {
        if (pattern.isEmpty()) {
            return "empty pattern";
        }
        if (pattern.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    return "trailing backslash";
                }
                i++;
            } else if (c == '[') {
                int j = i + 1;
                if (j < pattern.length() && (pattern.charAt(j) == '!' || pattern.charAt(j) == '^')) {
                    j++;
                }
                if (j < pattern.length() && pattern.charAt(j) == ']') {
                    j++; // a leading ] is a literal member
                }
                while (j < pattern.length() && pattern.charAt(j) != ']') {
                    j++;
                }
                if (j >= pattern.length()) {
                    return "unclosed character class starting at position " + i;
                }
                i = j;
            }
        }
        return null;
    }
}
