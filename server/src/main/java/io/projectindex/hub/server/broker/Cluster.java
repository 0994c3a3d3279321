package io.projectindex.hub.server.broker;

/**
 * State this node shares with the other nodes: the publish rate limit and connection presence
 * (in Redis in multi-node operation, in this process otherwise). Thread-safe.
 */
public record Cluster(PublishLimiter publishLimiter, Presence presence) {
}
