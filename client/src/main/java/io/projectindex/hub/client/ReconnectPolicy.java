package io.projectindex.hub.client;

import io.projectindex.hub.protocol.CloseCode;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a {@link HubClient} reconnects after an unexpected close: exponential
 * backoff from {@code initialDelay} by {@code multiplier} up to {@code maxDelay}, with up to
 * {@code jitter} of each delay taken off at random so that clients dropped together do not come
 * back together. A close with 4029 (connection limit reached) waits at least
 * {@code limitReachedDelay}. {@code maxAttempts} 0 means no limit. Immutable.
 *
 * @param enabled false turns automatic reconnection off (an unexpected close then closes the client)
 */
public record ReconnectPolicy(boolean enabled, Duration initialDelay, Duration maxDelay, double multiplier,
                              double jitter, int maxAttempts, Duration limitReachedDelay) {

    /** First delay: 250 ms. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(250);
    /** Longest delay: 30 s. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    /** Each failed attempt doubles the delay. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Up to half of each delay is taken off at random. */
    public static final double DEFAULT_JITTER = 0.5;
    /** No limit on attempts. */
    public static final int DEFAULT_MAX_ATTEMPTS = 0;
    /** After a 4029 close, wait at least 15 s. */
    public static final Duration DEFAULT_LIMIT_REACHED_DELAY = Duration.ofSeconds(15);

    /** The defaults above. */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(true, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY,
            DEFAULT_MULTIPLIER, DEFAULT_JITTER, DEFAULT_MAX_ATTEMPTS, DEFAULT_LIMIT_REACHED_DELAY);

    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(limitReachedDelay, "limitReachedDelay");
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("initialDelay must be >= 0, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= initialDelay (" + initialDelay + "), was " + maxDelay);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be 0..1, was " + jitter);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0 (0 = no limit), was " + maxAttempts);
        }
        if (limitReachedDelay.isNegative()) {
            throw new IllegalArgumentException("limitReachedDelay must be >= 0, was " + limitReachedDelay);
        }
    }

    /** No automatic reconnection. */
    public static ReconnectPolicy disabled() {
        return new ReconnectPolicy(false, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MULTIPLIER, DEFAULT_JITTER,
                DEFAULT_MAX_ATTEMPTS, DEFAULT_LIMIT_REACHED_DELAY);
    }

    /** Exponential backoff between {@code initial} and {@code max}, other settings at their defaults. */
    public static ReconnectPolicy exponential(Duration initial, Duration max) {
        return new ReconnectPolicy(true, initial, max, DEFAULT_MULTIPLIER, DEFAULT_JITTER, DEFAULT_MAX_ATTEMPTS,
                DEFAULT_LIMIT_REACHED_DELAY);
    }

    public ReconnectPolicy withMaxAttempts(int attempts) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, jitter, attempts, limitReachedDelay);
    }

    public ReconnectPolicy withJitter(double fraction) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, fraction, maxAttempts, limitReachedDelay);
    }

    public ReconnectPolicy withLimitReachedDelay(Duration delay) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, jitter, maxAttempts, delay);
    }

    /** True if attempt number {@code attempt} (1-based) may be made. */
    public boolean allows(int attempt) {
        return enabled && (maxAttempts == 0 || attempt <= maxAttempts);
    }

    /**
     * The wait before attempt {@code attempt} (1-based) after a close with {@code closeCode};
     * {@code random} in [0, 1) picks the jitter.
     */
    public Duration delay(int attempt, int closeCode, double random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        double base = initialDelay.toMillis() * Math.pow(multiplier, Math.min(attempt - 1, 62));
        base = Math.min(base, maxDelay.toMillis());
        long millis = Math.round(base * (1.0 - jitter * random));
        if (closeCode == CloseCode.LIMIT_REACHED.code()) {
            millis = Math.max(millis, limitReachedDelay.toMillis());
        }
        return Duration.ofMillis(millis);
    }
}
