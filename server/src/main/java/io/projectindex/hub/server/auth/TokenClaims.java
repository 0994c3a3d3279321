package io.projectindex.hub.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads the hub's claims from a verified token (PROTOCOL §8): {@code sub} (the user id),
 * {@code projects} (a list of project UUIDs, or {@code ["*"]} for all), {@code scope}
 * (space-separated, from {@code events:read events:publish admin}; a JSON list is accepted too)
 * and {@code exp}. A claim of the wrong shape rejects the whole token: a token that cannot be
 * read exactly is not guessed at. Unknown scopes are ignored.
 */
final class TokenClaims {
    static final String PROJECTS = "projects";
    static final String SCOPE = "scope";
    static final String ALL_PROJECTS = "*";
    static final int MAX_SUBJECT_CHARS = 256;
    static final Set<String> KNOWN_SCOPES = Set.of(Principal.SCOPE_READ, Principal.SCOPE_PUBLISH, Principal.SCOPE_ADMIN);
    /** The user id appears in logs; control characters could forge log lines. */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private TokenClaims() {
    }

    static Principal principal(JWTClaimsSet claims) {
        Object sub = claims.getClaim("sub");
        if (!(sub instanceof String subject) || subject.isBlank()) {
            throw new AuthenticationException("token has no sub claim (or it is not a non-empty string)");
        }
        if (subject.length() > MAX_SUBJECT_CHARS || CONTROL.matcher(subject).find()) {
            throw new AuthenticationException("token sub is longer than " + MAX_SUBJECT_CHARS
                    + " characters or contains control characters");
        }
        if (claims.getExpirationTime() == null) {
            throw new AuthenticationException("token has no exp claim");
        }
        boolean all = false;
        Set<UUID> projects = new HashSet<>();
        Object p = claims.getClaim(PROJECTS);
        if (p != null) {
            if (!(p instanceof List<?> list)) {
                throw new AuthenticationException("token projects claim must be a list of project UUIDs or [\"*\"]");
            }
            for (Object item : list) {
                if (ALL_PROJECTS.equals(item)) {
                    all = true;
                } else if (item instanceof String s && isUuid(s)) {
                    projects.add(UUID.fromString(s));
                } else {
                    throw new AuthenticationException("token projects claim holds " + describe(item)
                            + ", which is neither a project UUID nor \"*\"");
                }
            }
        }
        return new Principal(subject, all, all ? Set.of() : projects, scopes(claims.getClaim(SCOPE)),
                claims.getExpirationTime().toInstant());
    }

    private static Set<String> scopes(Object claim) {
        Set<String> out = new HashSet<>();
        if (claim == null) {
            return out;
        }
        if (claim instanceof String s) {
            for (String scope : s.trim().split("\\s+")) {
                if (KNOWN_SCOPES.contains(scope)) {
                    out.add(scope);
                }
            }
            return out;
        }
        if (claim instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw new AuthenticationException("token scope list holds " + describe(item) + ", not a string");
                }
                if (KNOWN_SCOPES.contains(s)) {
                    out.add(s);
                }
            }
            return out;
        }
        throw new AuthenticationException("token scope claim must be a space-separated string");
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(Object item) {
        String s = String.valueOf(item);
        return item instanceof String ? "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'"
                : item == null ? "null" : "a " + item.getClass().getSimpleName();
    }
}
