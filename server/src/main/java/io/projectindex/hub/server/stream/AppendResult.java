package io.projectindex.hub.server.stream;

/**
 * The outcome of appending one event: its stored form, and whether it was a republish of an
 * event already in history (same id, same content), in which case nothing new was stored or
 * delivered and {@code event} is the original.
 */
public record AppendResult(StoredEvent event, boolean duplicate) {
}
