package io.projectindex.hub.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md must list every setting the hub reads, with its flag and its default. */
class ConfigurationDocsTest {

    @Test
    void everySettingIsDocumentedWithItsEnvironmentNameAndFlag() throws IOException {
        Path docs = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(docs);
        assertThat(HubConfig.SETTINGS).allSatisfy(s -> {
            assertThat(text).as("docs/configuration.md mentions %s", s.env()).contains("`" + s.env() + "`");
            assertThat(text).as("docs/configuration.md mentions %s", s.flag()).contains("`" + s.flag() + "`");
        });
    }

    @Test
    void everySettingsRowStatesTheDefaultTheCodeUses() throws IOException {
        java.util.List<String> rows = Files.readAllLines(Path.of("..", "docs", "configuration.md"));
        assertThat(HubConfig.SETTINGS).allSatisfy(s -> {
            String row = rows.stream().filter(r -> r.startsWith("| `" + s.env() + "` |")).findFirst().orElse(null);
            assertThat(row).as("a table row for %s", s.env()).isNotNull();
            String[] cells = row.split("\\|");
            String documented = cells[3].replace("`", "").trim();
            // A setting with no fixed default says how it is derived in its description, "(default: …)".
            java.util.regex.Matcher derived = java.util.regex.Pattern.compile("\\(default: ([^)]*)\\)").matcher(s.description());
            String actual = s.defaultText() != null && !s.defaultText().isEmpty() ? s.defaultText()
                    : derived.find() ? derived.group(1) : "unset";
            assertThat(documented).as("documented default of %s", s.env()).startsWith(actual);
        });
    }
}
