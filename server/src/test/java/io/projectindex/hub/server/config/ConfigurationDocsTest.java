package io.projectindex.hub.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md must list every setting the hub reads, with its flag. */
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
}
