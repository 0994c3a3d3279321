package io.projectindex.hub.server.monitor;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A named check. A {@link Kind#REQUIRED} check guards a backend the hub cannot serve without
 * (history store, Redis when configured): failing it makes the hub unhealthy and not ready. An
 * {@link Kind#ADVISORY} check (memory, error rates) makes it degraded only. The probe must not
 * block: an I/O check returns a stage that completes later (a Vert.x future's
 * {@code toCompletionStage()} will do).
 */
public record HealthCheck(String name, Kind kind, Supplier<CompletionStage<CheckResult>> probe) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public enum Kind { REQUIRED, ADVISORY }

    public HealthCheck {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(probe, "probe");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("check name must match " + NAME.pattern() + ", was '" + name + "'");
        }
    }

    /** A check computed in place from in-memory state. */
    public static HealthCheck of(String name, Kind kind, Supplier<CheckResult> check) {
        return new HealthCheck(name, kind, () -> CompletableFuture.completedFuture(check.get()));
    }

    /** A check that completes later, e.g. a ping of a backend. */
    public static HealthCheck async(String name, Kind kind, Supplier<CompletionStage<CheckResult>> check) {
        return new HealthCheck(name, kind, check);
    }

    public boolean required() {
        return kind == Kind.REQUIRED;
    }
}
