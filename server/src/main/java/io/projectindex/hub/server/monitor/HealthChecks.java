package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Thread-safe (immutable): runs every {@link HealthCheck} at once and folds the results into a
 * {@link HealthReport}. A probe that throws, fails or takes longer than the timeout counts as
 * unhealthy with an {@code error} detail; nothing here blocks the caller.
 */
public final class HealthChecks {
    /** How long one check may take before it counts as failed: 2 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final HubClock clock;
    private final List<HealthCheck> checks;
    private final Duration timeout;

    public HealthChecks(HubClock clock, List<HealthCheck> checks) {
        this(clock, checks, DEFAULT_TIMEOUT);
    }

    public HealthChecks(HubClock clock, List<HealthCheck> checks, Duration timeout) {
        Set<String> names = new HashSet<>();
        for (HealthCheck c : checks) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("two health checks are named " + c.name());
            }
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health check timeout must be positive, was " + timeout);
        }
        this.clock = clock;
        this.checks = List.copyOf(checks);
        this.timeout = timeout;
    }

    public List<HealthCheck> checks() {
        return checks;
    }

    /** Runs every check; the stage completes (never exceptionally) when all have answered or timed out. */
    public CompletionStage<HealthReport> run() {
        List<CompletableFuture<HealthReport.Outcome>> outcomes = new ArrayList<>(checks.size());
        for (HealthCheck check : checks) {
            outcomes.add(runOne(check));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(v -> HealthReport.of(clock.now(), outcomes.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<HealthReport.Outcome> runOne(HealthCheck check) {
        long start = clock.nanoTime();
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        try {
            check.probe().get().whenComplete((r, t) -> {
                if (t != null) {
                    result.completeExceptionally(t);
                } else {
                    result.complete(r);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((r, t) -> new HealthReport.Outcome(check.name(), check.kind(),
                        t == null && r != null ? r
                                : CheckResult.failed(t == null ? "the check gave no result" : describe(t), Map.of()),
                        Duration.ofNanos(Math.max(0, clock.nanoTime() - start))));
    }

    private String describe(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
