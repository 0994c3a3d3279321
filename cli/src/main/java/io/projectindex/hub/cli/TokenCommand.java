package io.projectindex.hub.cli;

import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.auth.TokenMinter;
import io.projectindex.hub.server.config.AuthConfig;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.ConfigLoader;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.time.HubClock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code token}: mints a development token (HS256) with the secret the hub is configured with
 * (AUTH_JWT_SECRET, --jwt-secret or the --config file, as {@code serve} reads them), and prints
 * only the token on stdout so it can be captured: {@code TOKEN=$(hub token --sub alice ...)}.
 * Issuer and audience come from the same configuration, so the token passes the hub's checks.
 */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mint a development token signed with the hub's HS256 secret (AUTH_JWT_SECRET).",
                "Hubs that verify RS256/ES256 or a JWKS take tokens from your identity provider instead."})
final class TokenCommand implements Callable<Integer> {
    /** Longest lifetime a development token may have: 366 days. */
    static final Duration MAX_TTL = Duration.ofDays(366);
    private static final Pattern TTL = Pattern.compile("(\\d{1,9})([smhd])");
    private static final Set<String> SCOPES = Set.of(Principal.SCOPE_READ, Principal.SCOPE_PUBLISH, Principal.SCOPE_ADMIN);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--sub", required = true, paramLabel = "<user>", description = "user id (the sub claim)")
    String subject;

    @Option(names = "--projects", required = true, split = ",", paramLabel = "<uuid>",
            description = "project UUIDs the token may use, comma-separated, or * for every project")
    List<String> projects;

    @Option(names = "--scope", defaultValue = Principal.SCOPE_READ, paramLabel = "<scopes>",
            description = "space-separated scopes from: events:read events:publish admin (default: ${DEFAULT-VALUE})")
    String scope;

    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "<duration>",
            description = "lifetime, e.g. 90s, 30m, 1h, 7d or PT1H (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--jwt-secret", paramLabel = "<secret>", description = "the hub's secret [env AUTH_JWT_SECRET]")
    String secret;

    @Option(names = "--config", paramLabel = "<file>", description = "the hub's config file [env HUB_CONFIG]")
    String configFile;

    private final Map<String, String> env;
    private final HubClock clock;

    TokenCommand() {
        this(System.getenv(), HubClock.SYSTEM);
    }

    TokenCommand(Map<String, String> env, HubClock clock) {
        this.env = env;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> flags = new HashMap<>();
        if (secret != null) {
            flags.put(AuthConfig.JWT_SECRET.env(), secret);
        }
        if (configFile != null) {
            flags.put(HubConfig.CONFIG_FILE.env(), configFile);
        }
        HubConfig config;
        Duration lifetime;
        try {
            config = ConfigLoader.load(flags, env);
            lifetime = parseTtl(ttl);
            checkProjects(projects);
            checkScope(scope);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("hub token: " + e.getMessage());
            return 2;
        }
        AuthConfig auth = config.auth();
        if (auth.jwtSecret().isEmpty()) {
            err.println("hub token: no secret: set AUTH_JWT_SECRET or pass --jwt-secret (the token command mints HS256"
                    + " development tokens only)");
            return 2;
        }
        Instant now = clock.now();
        TokenMinter.Spec claims = TokenMinter.Spec.of(subject, projects, scope.trim(), now, now.plus(lifetime))
                .withIssuerAndAudience(auth.issuer().orElse(null), auth.audience().orElse(null));
        String token = TokenMinter.hs256(auth.jwtSecret().get().getBytes(StandardCharsets.UTF_8), claims);
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        err.println("hub token: user " + subject + ", projects " + projects + ", scope '" + scope.trim() + "', expires "
                + claims.expiresAt());
        err.flush();
        return 0;
    }

    static Duration parseTtl(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = TTL.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--ttl must be a duration like 90s, 30m, 1h, 7d or PT1H, was '" + text + "'");
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be more than 0 and at most " + MAX_TTL.toDays() + " days, was '"
                    + text + "'");
        }
        return d;
    }

    private static void checkProjects(List<String> projects) {
        for (String p : projects) {
            if (p.equals("*")) {
                continue;
            }
            try {
                if (p.length() == 36) {
                    UUID.fromString(p);
                    continue;
                }
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--projects must be project UUIDs or *, was '" + p + "'");
        }
    }

    private static void checkScope(String scope) {
        String[] parts = scope.trim().split("\\s+");
        for (String s : parts) {
            if (!SCOPES.contains(s)) {
                throw new IllegalArgumentException("--scope has unknown scope '" + s
                        + "' (known: events:read events:publish admin)");
            }
        }
    }
}
