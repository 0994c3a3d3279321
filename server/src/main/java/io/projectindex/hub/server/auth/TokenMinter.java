package io.projectindex.hub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs tokens with the hub's claims: the {@code token} command's development tokens (HS256
 * with the configured secret) and test tokens of any algorithm. Stateless.
 */
public final class TokenMinter {

    /**
     * What a token says.
     *
     * Any field but {@code issuedAt} may be null to leave its claim out.
     *
     * @param projects project UUIDs as text, or {@code "*"}
     * @param scope    space-separated scopes
     * @param notBefore {@code nbf}, or null for none
     * @param issuer   {@code iss}, or null for none
     * @param audience {@code aud}, or null for none
     */
    public record Spec(String subject, List<String> projects, String scope, Instant issuedAt, Instant expiresAt,
                       Instant notBefore, String issuer, String audience) {
        public Spec {
            projects = projects == null ? null : List.copyOf(projects);
        }

        public static Spec of(String subject, List<String> projects, String scope, Instant issuedAt, Instant expiresAt) {
            return new Spec(subject, projects, scope, issuedAt, expiresAt, null, null, null);
        }

        public Spec withNotBefore(Instant nbf) {
            return new Spec(subject, projects, scope, issuedAt, expiresAt, nbf, issuer, audience);
        }

        public Spec withIssuerAndAudience(String iss, String aud) {
            return new Spec(subject, projects, scope, issuedAt, expiresAt, notBefore, iss, aud);
        }
    }

    private TokenMinter() {
    }

    /** An HS256 token signed with {@code secret} (its raw bytes, as the hub reads AUTH_JWT_SECRET). */
    public static String hs256(byte[] secret, Spec spec) {
        try {
            return sign(new MACSigner(secret), JWSAlgorithm.HS256, null, spec);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
    }

    /** A token signed by {@code signer} with {@code algorithm}, carrying {@code kid} when not null. */
    public static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid, Spec spec) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(spec.issuedAt()));
        // Absent fields are left out, so tests can make tokens that lack a claim.
        if (spec.projects() != null) {
            claims.claim(TokenClaims.PROJECTS, spec.projects());
        }
        if (spec.scope() != null) {
            claims.claim(TokenClaims.SCOPE, spec.scope());
        }
        if (spec.expiresAt() != null) {
            claims.expirationTime(Date.from(spec.expiresAt()));
        }
        if (spec.subject() != null) {
            claims.subject(spec.subject());
        }
        if (spec.notBefore() != null) {
            claims.notBeforeTime(Date.from(spec.notBefore()));
        }
        if (spec.issuer() != null) {
            claims.issuer(spec.issuer());
        }
        if (spec.audience() != null) {
            claims.audience(spec.audience());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign the token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
