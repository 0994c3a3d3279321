package io.projectindex.hub.server.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class GlobMatcherTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # pattern without '/': the last segment, in any directory
            *.test.js        | src/a/b.test.js         | true
            *.test.js        | b.test.js               | true
            *.test.js        | src/a/b.test.jsx        | false
            *.test.js        | src/b.test.js/index.ts  | false
            *.py             | .py                     | true
            *                | .env                    | true
            *                | a/b/c                   | true
            Makefile         | tools/Makefile          | true
            Makefile         | tools/Makefile.am       | false
            # '*' stays inside a segment once the pattern has a '/'
            src/*.py         | src/a.py                | true
            src/*.py         | src/a/b.py              | false
            src/*.py         | lib/src/a.py            | false
            src/*            | src/                    | true
            # '**' spans zero or more segments
            **/test/*.py     | test/a.py               | true
            **/test/*.py     | x/y/test/a.py           | true
            **/test/*.py     | x/test/y/a.py           | false
            a/**/b           | a/b                     | true
            a/**/b           | a/x/b                   | true
            a/**/b           | a/x/y/z/b               | true
            a/**/b           | a/x/y/z/c               | false
            a/**/b           | b/a/b                   | false
            src/**           | src/a/b/c.py            | true
            src/**/*.py      | src/x.py                | true
            src/**/*.py      | src/a/b/x.py            | true
            src/**/*.py      | src/a/b/x.pyc           | false
            **/*.min.js      | dist/app.min.js         | true
            **               | anything/at/all.txt     | true
            a/**/b/**/c      | a/b/c                   | true
            a/**/b/**/c      | a/x/b/y/b/z/c           | true
            a/**/b/**/c      | a/x/c/b                 | false
            # '**' inside a segment is a single '*'
            a**b/c           | axyzb/c                 | true
            a**b/c           | ax/yb/c                 | false
            # '?' is exactly one character, never '/'
            ?.py             | a.py                    | true
            ?.py             | ab.py                   | false
            src/?/x          | src/a/x                 | true
            src?x            | src/x                   | false
            # character classes
            [abc].py         | b.py                    | true
            [abc].py         | d.py                    | false
            [a-c]x.py        | cx.py                   | true
            [a-c]x.py        | dx.py                   | false
            [!a-c]x.py       | dx.py                   | true
            [!a-c]x.py       | bx.py                   | false
            [^a-c]x.py       | dx.py                   | true
            []]x             | ]x                      | true
            [!]]x            | ]x                      | false
            [!]]x            | ax                      | true
            [-a]x            | -x                      | true
            [a-]x            | -x                      | true
            [0-9][0-9].log   | 42.log                  | true
            [0-9][0-9].log   | 4a.log                  | false
            # escapes
            \\*.py           | *.py                    | true
            \\*.py           | a.py                    | false
            a\\?             | a?                      | true
            a\\?             | ab                      | false
            \\[x]            | [x]                     | true
            # normalisation of paths and patterns
            src/*.py         | ./src/a.py              | true
            ./src/*.py       | src/a.py                | true
            src/*.py         | src\\a.py               | true
            src/*.py         | src//a.py               | true
            src/*.py         | /src/a.py               | true
            /Makefile        | Makefile                | true
            /Makefile        | a/Makefile              | false
            # a trailing '/' means everything under that directory
            build/           | build/out.js            | true
            build/           | a/build/x/y.js          | true
            build/           | build                   | false
            build/           | rebuild/x.js            | false
            out/gen/         | out/gen/a.java          | true
            out/gen/         | x/out/gen/a.java        | false
            # case-sensitive by default
            *.JS             | a.js                    | false
            README.md        | docs/readme.md          | false
            # empty segments and odd inputs
            *                | ""                      | true
            a                | ""                      | false
            """)
    void matchesPathsAsDocumented(String pattern, String path, boolean expected) {
        assertThat(GlobMatcher.compile(pattern).matches(path)).isEqualTo(expected);
    }

    @Test
    void ignoreCaseFoldsLiteralsAndClasses() {
        GlobMatcher m = GlobMatcher.compile("Py[T-Z]hon*", true);
        assertThat(m.matches("python3")).isTrue();
        assertThat(m.matches("PYTHON")).isTrue();
        assertThat(m.matches("pyshon")).isFalse();
    }

    @Test
    void questionMarkAndClassesMatchWholeCodePoints() {
        assertThat(GlobMatcher.compile("?.txt").matches("\uD83D\uDE00.txt")).isTrue();
        assertThat(GlobMatcher.compile("??.txt").matches("\uD83D\uDE00.txt")).isFalse();
        assertThat(GlobMatcher.compile("*\uD83D\uDE00").matches("a/b\uD83D\uDE00")).isTrue();
        assertThat(GlobMatcher.compile("[é]x").matches("éx")).isTrue();
    }

    @Test
    void invalidPatternsAreRejectedWithTheSyntaxProblem() {
        assertThatThrownBy(() -> GlobMatcher.compile("[abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed character class");
        assertThatThrownBy(() -> GlobMatcher.compile("a\\")).hasMessageContaining("trailing backslash");
        assertThatThrownBy(() -> GlobMatcher.compile("")).hasMessageContaining("empty pattern");
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /          | a/b     | true
            /          | ""      | true
            **/        | a       | true
            /**        | a/b     | true
            a\\/b      | a/b     | false
            [/]        | a/b     | false
            [/]        | /       | false
            ***        | x/y     | true
            [!]]       | a       | true
            [!]]       | ]       | false
            \\\\       | \\      | false
            ?/         | a/b     | true
            """)
    void oddButValidPatternsHaveDefinedResults(String pattern, String path, boolean expected) {
        assertThat(GlobMatcher.compile(pattern).matches(path)).isEqualTo(expected);
    }

    @Test
    void pathologicalPatternsMatchInPolynomialTime() {
        String stars = "*a".repeat(30) + "b";
        String path = "a".repeat(5000);
        String deep = "**/a/".repeat(20) + "b";
        String deepPath = "a/".repeat(2000) + "c";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThat(GlobMatcher.compile(stars).matches(path)).isFalse();
            assertThat(GlobMatcher.compile(deep).matches(deepPath)).isFalse();
            assertThat(GlobMatcher.compile(stars).matches(path + "b")).isTrue();
        });
    }

    @Test
    void normalizeRewritesBackslashesLeadingDotSlashAndRepeatedSlashes() {
        assertThat(GlobMatcher.normalize(".\\src\\\\a.py")).isEqualTo("src/a.py");
        assertThat(GlobMatcher.normalize("././/a")).isEqualTo("a");
        assertThat(GlobMatcher.normalize("/abs/path")).isEqualTo("abs/path");
        String clean = "plain/path.py";
        assertThat(GlobMatcher.normalize(clean)).isSameAs(clean);
    }
}
