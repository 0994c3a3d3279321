package io.projectindex.hub.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import io.projectindex.hub.server.config.ConfigException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the verification key of {@code AUTH_JWT_PUBLIC_KEY}: a PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo)
 * or {@code CERTIFICATE}. The key type fixes the one accepted algorithm — RSA (2048 bits or more) means
 * RS256, EC P-256 means ES256 — so a token can never choose how it is checked.
 */
public final class PublicKeys {
    /** Shorter RSA keys are refused (NIST SP 800-131A). */
    public static final int MIN_RSA_BITS = 2048;
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** A verification key and the one algorithm it verifies. */
    public record VerificationKey(PublicKey key, JWSAlgorithm algorithm) {
    }

    private PublicKeys() {
    }

    /** Loads the key; a {@link ConfigException} names the setting, the file and what is wrong. */
    public static VerificationKey load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw problem(file, "cannot be read: " + e.getMessage());
        }
        return parse(text, file);
    }

    static VerificationKey parse(String pem, Path file) {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw problem(file, "holds no PEM block (expected -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)");
        }
        String label = m.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw problem(file, "has a PEM block that is not valid base64");
        }
        PublicKey key;
        try {
            if (label.equals("PUBLIC KEY")) {
                key = spki(der);
            } else if (label.equals("CERTIFICATE")) {
                key = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            } else {
                throw problem(file, "holds a '" + label + "' block; convert it to a SubjectPublicKeyInfo PEM"
                        + " (openssl pkey -pubout, or openssl rsa -RSAPublicKey_in -pubout for PKCS#1 keys)");
            }
        } catch (GeneralSecurityException e) {
            throw problem(file, "holds a key that cannot be decoded: " + e.getMessage());
        }
        return forKey(key, file);
    }

    private static PublicKey spki(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    private static VerificationKey forKey(PublicKey key, Path file) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw problem(file, "holds a " + bits + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
            }
            return new VerificationKey(key, JWSAlgorithm.RS256);
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (!Curve.P_256.equals(curve)) {
                throw problem(file, "holds an EC key on curve " + (curve == null ? "unknown" : curve.getName())
                        + "; only P-256 (ES256) is accepted");
            }
            return new VerificationKey(key, JWSAlgorithm.ES256);
        }
        throw problem(file, "holds a " + key.getAlgorithm() + " key; only RSA (RS256) and EC P-256 (ES256) are accepted");
    }

    private static ConfigException problem(Path file, String what) {
        return new ConfigException("AUTH_JWT_PUBLIC_KEY " + file + " " + what);
    }
}
