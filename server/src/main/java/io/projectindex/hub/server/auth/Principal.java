package io.projectindex.hub.server.auth;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Who is on the other end and what they may do: the user id, the projects they may read
 * ({@code allProjects} for {@code ["*"]}), their scopes ({@code events:read},
 * {@code events:publish}, {@code admin}) and when their token expires (null: never).
 */
public record Principal(String userId, boolean allProjects, Set<UUID> projects, Set<String> scopes, Instant expiresAt) {
    public static final String SCOPE_READ = "events:read";
    public static final String SCOPE_PUBLISH = "events:publish";
    public static final String SCOPE_ADMIN = "admin";

    /** Everyone, when authentication is off: every project, every scope. */
    public static final Principal ANONYMOUS =
            new Principal("anonymous", true, Set.of(), Set.of(SCOPE_READ, SCOPE_PUBLISH, SCOPE_ADMIN), null);

    public Principal {
        projects = Set.copyOf(projects);
        scopes = Set.copyOf(scopes);
    }

    public boolean canRead(UUID projectId) {
        return (scopes.contains(SCOPE_READ) || scopes.contains(SCOPE_ADMIN)) && (allProjects || projects.contains(projectId));
    }

    public boolean canPublish(UUID projectId) {
        return scopes.contains(SCOPE_PUBLISH) && (allProjects || projects.contains(projectId));
    }

    public boolean isAdmin() {
        return scopes.contains(SCOPE_ADMIN);
    }
}
