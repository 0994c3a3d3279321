package io.projectindex.hub.server.stream;

import java.security.SecureRandom;

/** Generates epoch names: 8 random lower-case letters and digits. Thread-safe. */
public final class Epochs {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Epochs() {
    }

    public static String next() {
        char[] c = new char[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
