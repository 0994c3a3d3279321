package io.projectindex.hub.server.hub;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Which connections of one shard listen to which project. Confined to the shard's event loop.
 * A connection with a project-less subscription is kept only in the wildcard set, so each
 * connection is visited at most once per event.
 */
final class SubscriptionIndex {
    private final Map<UUID, Set<Subscriber>> byProject = new HashMap<>();
    private final Set<Subscriber> wildcard = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Re-reads the subscriber's subscriptions for {@code projectId} (null: wildcard membership only). */
    void sync(Subscriber s, UUID projectId) {
        SubscriptionSet set = s.subscriptions();
        if (set.hasWildcard()) {
            wildcard.add(s);
        } else {
            wildcard.remove(s);
        }
        if (projectId != null) {
            if (set.listensTo(projectId)) {
                byProject.computeIfAbsent(projectId, p -> Collections.newSetFromMap(new IdentityHashMap<>())).add(s);
            } else {
                Set<Subscriber> subs = byProject.get(projectId);
                if (subs != null && subs.remove(s) && subs.isEmpty()) {
                    byProject.remove(projectId);
                }
            }
        }
    }

    void removeAll(Subscriber s, Set<UUID> projects) {
        wildcard.remove(s);
        for (UUID p : projects) {
            Set<Subscriber> subs = byProject.get(p);
            if (subs != null && subs.remove(s) && subs.isEmpty()) {
                byProject.remove(p);
            }
        }
    }

    /** Adds to {@code out} every connection that may want an event of {@code projectId}, each once. */
    void collectTargets(UUID projectId, java.util.List<Subscriber> out) {
        Set<Subscriber> subs = byProject.get(projectId);
        if (subs != null) {
            for (Subscriber s : subs) {
                if (!s.subscriptions().hasWildcard()) {
                    out.add(s);
                }
            }
        }
        out.addAll(wildcard);
    }

    void forEachTarget(UUID projectId, Consumer<Subscriber> visit) {
        Set<Subscriber> subs = byProject.get(projectId);
        if (subs != null) {
            for (Subscriber s : subs) {
                if (!s.subscriptions().hasWildcard()) {
                    visit.accept(s);
                }
            }
        }
        for (Subscriber s : wildcard) {
            visit.accept(s);
        }
    }

    int projectCount() {
        return byProject.size();
    }

    int wildcardCount() {
        return wildcard.size();
    }
}
