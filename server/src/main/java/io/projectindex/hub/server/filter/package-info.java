/**
 * Event filtering (PROTOCOL §7), plain Java with no I/O.
 *
 * <p><b>Cost model.</b> Per event, once: {@link io.projectindex.hub.server.filter.RelevanceScorer#facts}
 * extracts an {@link io.projectindex.hub.server.filter.EventFacts} (score, languages, path,
 * progress, …) and {@link io.projectindex.hub.server.filter.GlobalFilters} checks the
 * server's global rules. Per distinct filter spec, once per event: a
 * {@link io.projectindex.hub.server.filter.FilterGroup} (interned by
 * {@link io.projectindex.hub.server.filter.FilterGroups}) runs its
 * {@link io.projectindex.hub.server.filter.CompiledFilter} and memoises the decision. Per
 * subscriber: a memo lookup, plus the {@link io.projectindex.hub.server.filter.ProgressGate}
 * for progress events when a step is set (that state is inherently per subscription).
 *
 * <p><b>Combination.</b> An event reaches a subscription only if, in this order, the global
 * rules, the connection's preferences ({@code set_preferences}) and the subscription's filters
 * ({@code subscribe.filters}) all pass, and then the progress threshold with step
 * {@code max(preferences N, filters N)} admits it ({@link io.projectindex.hub.server.filter.SubscriptionFilter}).
 *
 * <p><b>Threads.</b> Compiled filters, rules, globs, facts and global rules are immutable and
 * may be shared. Groups, their registry, subscription filters and progress gates are confined
 * to one event loop: one {@code FilterGroups} per shard.
 *
 * <p><b>Wiring</b> (for the shard and the connection, all on the shard's loop):
 * <pre>
 * // shard fields: RelevanceScorer scorer; GlobalFilters global; FilterGroups groups = new FilterGroups();
 * // subscribe:        sub.filter = groups.subscription(spec)       (close() it on unsubscribe / disconnect)
 * // set_preferences:  conn.prefs = groups.replace(conn.prefs, spec) (groups.release(conn.prefs) on disconnect)
 * // per live event:
 * EventFacts facts = scorer.facts(event);
 * FilterDecision g = global.test(facts);            // once per event; count g.reason() if dropped
 * for each subscriber, for each in-scope subscription:
 *     FilterDecision d = sub.filter.test(facts, conn.prefs);
 * if any d passed: deliver once, then sub.filter.delivered(facts, conn.prefs) for each that passed;
 * else count the first in-scope subscription's d.reason() (FilterCounts, HubMetrics)
 * </pre>
 * Replay and resume use the same calls with facts computed at read time; a {@code replay}
 * request that has no subscription uses the connection's preferences and a fresh
 * {@code ProgressGate}.
 */
package io.projectindex.hub.server.filter;
