package io.projectindex.hub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key pairs made in the test and helpers to sign with them and publish their public halves. */
final class TestKeys {
    private TestKeys() {
    }

    static KeyPair rsa() {
        return generate("RSA", 2048);
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as a SubjectPublicKeyInfo PEM text. */
    static String pem(KeyPair pair) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    static Path writePem(Path dir, String name, KeyPair pair) {
        try {
            return Files.writeString(dir.resolve(name), pem(pair));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JWSSigner signer(KeyPair pair) {
        try {
            return pair.getPublic() instanceof RSAPublicKey ? new RSASSASigner(pair.getPrivate())
                    : new ECDSASigner((ECPrivateKey) pair.getPrivate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSAlgorithm algorithm(KeyPair pair) {
        return pair.getPublic() instanceof RSAPublicKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
    }

    /** The public half as a JWK with {@code kid}. */
    static JWK publicJwk(KeyPair pair, String kid) {
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).keyID(kid).build();
        }
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).keyID(kid).build();
    }
}
