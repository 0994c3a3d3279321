package io.projectindex.hub.cli;

import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Authenticator;
import io.projectindex.hub.server.auth.JwtAuthenticator;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code hub token}: tokens it mints are accepted by the hub configured with the same secret. */
class TokenCommandTest {
    private static final String SECRET = "a-secret-that-is-long-enough-for-hs256!";
    private static final UUID P1 = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID P2 = UUID.fromString("22222222-2222-4222-8222-222222222222");
    private final FakeClock clock = new FakeClock(Instant.parse("2025-01-15T12:00:00Z"));

    private record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new TokenCommand(env, clock));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Authenticator hub(Map<String, String> settings) {
        return JwtAuthenticator.create(HubConfig.of(settings).auth(), clock);
    }

    @Test
    void aMintedTokenIsAcceptedByTheHubWithTheSameSecretFromTheEnvironment() {
        Run r = run(Map.of("AUTH_JWT_SECRET", SECRET), "--sub", "alice", "--projects", P1 + "," + P2,
                "--scope", "events:read events:publish", "--ttl", "1h");
        assertThat(r.exit()).as(r.err()).isZero();
        String token = r.out().trim();
        assertThat(token.split("\\.")).hasSize(3);
        assertThat(r.out().lines()).as("stdout holds only the token").hasSize(1);

        Principal p = hub(Map.of("AUTH_JWT_SECRET", SECRET)).authenticate(token);
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.projects()).containsExactlyInAnyOrder(P1, P2);
        assertThat(p.canPublish(P1)).isTrue();
        assertThat(p.isAdmin()).isFalse();
        assertThat(p.expiresAt()).isEqualTo(clock.now().plus(Duration.ofHours(1)));

        assertThatThrownBy(() -> hub(Map.of("AUTH_JWT_SECRET", "another-secret-that-is-long-enough!!")).authenticate(token))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void theSecretFlagWinsOverTheEnvironmentAndStarMeansEveryProject() {
        Run r = run(Map.of("AUTH_JWT_SECRET", "the-environment-secret-is-not-used!!"), "--jwt-secret", SECRET,
                "--sub", "ops", "--projects", "*", "--scope", "admin");
        assertThat(r.exit()).as(r.err()).isZero();
        Principal p = hub(Map.of("AUTH_JWT_SECRET", SECRET)).authenticate(r.out().trim());
        assertThat(p.allProjects()).isTrue();
        assertThat(p.isAdmin()).isTrue();
        assertThat(p.expiresAt()).as("default ttl 1h").isEqualTo(clock.now().plus(Duration.ofHours(1)));
    }

    @Test
    void issuerAndAudienceComeFromTheConfigFileSoTheHubsChecksPass(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("hub.yaml"), """
                AUTH_JWT_SECRET: %s
                AUTH_JWT_ISSUER: https://id.example
                AUTH_JWT_AUDIENCE: project-index-hub
                """.formatted(SECRET));
        Run r = run(Map.of(), "--config", config.toString(), "--sub", "alice", "--projects", P1.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Principal p = hub(Map.of("HUB_CONFIG", config.toString())).authenticate(r.out().trim());
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.scopes()).containsExactly("events:read");
    }

    @Test
    void withoutASecretItRefusesAndSaysWhereTheSecretComesFrom() {
        Run r = run(Map.of(), "--sub", "alice", "--projects", P1.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("set AUTH_JWT_SECRET or pass --jwt-secret");
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        Map<String, String> env = Map.of("AUTH_JWT_SECRET", SECRET);
        assertThat(run(env, "--sub", "a", "--projects", "not-a-uuid").err()).contains("--projects must be project UUIDs");
        assertThat(run(env, "--sub", "a", "--projects", "*", "--scope", "events:read root").err())
                .contains("--scope has unknown scope 'root'");
        assertThat(run(env, "--sub", "a", "--projects", "*", "--ttl", "forever").err()).contains("--ttl must be a duration");
        assertThat(run(env, "--sub", "a", "--projects", "*", "--ttl", "400d").err()).contains("at most 366 days");
        assertThat(run(Map.of("AUTH_JWT_SECRET", "too-short"), "--sub", "a", "--projects", "*").err())
                .contains("AUTH_JWT_SECRET must be at least 32 bytes");
        assertThat(run(env, "--projects", "*").exit()).as("--sub is required").isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({"90s,90", "30m,1800", "1h,3600", "7d,604800", "PT1H30M,5400", "pt2h,7200"})
    void ttlAcceptsShortFormsAndIsoDurations(String text, long seconds) {
        assertThat(TokenCommand.parseTtl(text)).isEqualTo(Duration.ofSeconds(seconds));
    }
}
