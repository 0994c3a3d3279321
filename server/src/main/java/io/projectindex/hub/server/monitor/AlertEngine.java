package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@link #evaluate} is not thread-safe (one caller: the sampler, after each sample);
 * {@link #view()} is thread-safe (an immutable snapshot published after each evaluation).
 *
 * <p>Per rule: when a sample breaches the threshold and the rule has no active alert, the alert
 * fires once (logged, counted in {@code alerts_fired_total{severity}}, passed to the notifier),
 * unless the rule fired less than its cooldown ago, in which case the breach is counted as
 * suppressed and looked at again on the next sample. While the breach lasts nothing more is sent.
 * When a sample is back on the good side, or the metric has no sample at all (no traffic), the
 * alert resolves with that time and moves to the bounded list of recent alerts.
 */
public final class AlertEngine {
    private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);
    /** Resolved alerts kept for {@code GET /websocket/alerts}: 100, newest first. */
    public static final int DEFAULT_RECENT_ALERTS = 100;

    private final List<AlertRule> rules;
    private final HubMetrics metrics;
    private final AlertNotifier notifier;
    private final int recentLimit;

    // Touched only by the evaluating thread.
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final Map<String, Instant> lastFired = new LinkedHashMap<>();
    private final Deque<Alert> recent = new ArrayDeque<>();
    private long sequence;
    private long fired;
    private long suppressed;

    private volatile View view;

    public AlertEngine(List<AlertRule> rules, HubMetrics metrics, AlertNotifier notifier) {
        this(rules, metrics, notifier, DEFAULT_RECENT_ALERTS);
    }

    public AlertEngine(List<AlertRule> rules, HubMetrics metrics, AlertNotifier notifier, int recentLimit) {
        if (recentLimit < 1) {
            throw new IllegalArgumentException("recentLimit must be at least 1, was " + recentLimit);
        }
        this.rules = List.copyOf(rules);
        this.metrics = metrics;
        this.notifier = notifier;
        this.recentLimit = recentLimit;
        this.view = new View(Instant.EPOCH, List.of(), List.of(), this.rules, 0, 0);
    }

    /** Checks every rule against one sample; returns the alerts that fired on it. */
    public List<Alert> evaluate(Sample sample) {
        Instant now = sample.timestamp();
        List<Alert> firedNow = new ArrayList<>();
        for (AlertRule rule : rules) {
            OptionalDouble value = sample.value(rule.metric());
            Alert current = active.get(rule.name());
            boolean breached = value.isPresent() && rule.breached(value.getAsDouble());
            if (breached && current != null) {
                active.put(rule.name(), current.seen(value.getAsDouble()));
            } else if (breached) {
                Instant last = lastFired.get(rule.name());
                if (last != null && now.isBefore(last.plus(rule.cooldown()))) {
                    suppressed++;
                } else {
                    firedNow.add(fire(rule, value.getAsDouble(), now));
                }
            } else if (current != null) {
                resolve(current, now, value);
            }
        }
        publish(now);
        return firedNow;
    }

    private Alert fire(AlertRule rule, double value, Instant now) {
        Alert alert = new Alert(rule.name() + "#" + (++sequence), rule, value, now, Optional.of(value), Optional.empty());
        active.put(rule.name(), alert);
        lastFired.put(rule.name(), now);
        fired++;
        metrics.alertFired(rule.severity());
        String line = "alert fired: {} — {} ({} = {} {} {})";
        Object[] args = {rule.name(), rule.message(), rule.metric().wire(), value, rule.operator().symbol(), rule.threshold()};
        if (rule.severity().compareTo(AlertSeverity.ERROR) >= 0) {
            log.error(line, args);
        } else if (rule.severity() == AlertSeverity.WARNING) {
            log.warn(line, args);
        } else {
            log.info(line, args);
        }
        try {
            notifier.onFired(alert);
        } catch (RuntimeException e) {
            log.warn("alert notifier failed on {}: {}", alert.id(), e.toString());
            metrics.error("notifier_failed", "monitoring");
        }
        return alert;
    }

    private void resolve(Alert current, Instant now, OptionalDouble value) {
        Alert done = current.resolved(now, value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty());
        active.remove(current.rule().name());
        recent.addFirst(done);
        while (recent.size() > recentLimit) {
            recent.removeLast();
        }
        log.info("alert resolved: {} after {} s ({} = {})", current.rule().name(),
                java.time.Duration.between(current.firedAt(), now).toSeconds(), current.rule().metric().wire(),
                value.isPresent() ? value.getAsDouble() : "no sample");
        try {
            notifier.onResolved(done);
        } catch (RuntimeException e) {
            log.warn("alert notifier failed on {}: {}", done.id(), e.toString());
            metrics.error("notifier_failed", "monitoring");
        }
    }

    private void publish(Instant now) {
        view = new View(now, List.copyOf(active.values()), List.copyOf(recent), rules, fired, suppressed);
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** The alerts as of the last evaluation; safe from any thread. */
    public View view() {
        return view;
    }

    /**
     * Active and recently resolved alerts: the body of {@code GET /websocket/alerts}.
     *
     * @param evaluatedAt time of the last evaluation ({@link Instant#EPOCH} before the first)
     * @param recent      resolved alerts, newest first, at most {@link #DEFAULT_RECENT_ALERTS}
     */
    public record View(Instant evaluatedAt, List<Alert> active, List<Alert> recent, List<AlertRule> rules,
                       long firedTotal, long suppressedTotal) {

        /** {@code {timestamp, evaluated_at, active:[alert…], recent:[alert…], fired_total, suppressed_total, rules:[rule…]}}. */
        public Map<String, Object> toJson(Instant now) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("timestamp", Timestamps.format(now));
            json.put("evaluated_at", evaluatedAt.equals(Instant.EPOCH) ? null : Timestamps.format(evaluatedAt));
            json.put("active", active.stream().map(Alert::toJson).toList());
            json.put("recent", recent.stream().map(Alert::toJson).toList());
            json.put("fired_total", firedTotal);
            json.put("suppressed_total", suppressedTotal);
            json.put("rules", rules.stream().map(AlertRule::toJson).toList());
            return json;
        }
    }
}
