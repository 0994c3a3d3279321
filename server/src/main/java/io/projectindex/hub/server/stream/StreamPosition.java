package io.projectindex.hub.server.stream;

/**
 * A position in one project's stream: the epoch (one continuous life of the stream) and an
 * offset (1 for the first event; 0 means "before the first event").
 */
public record StreamPosition(String epoch, long offset) {
}
