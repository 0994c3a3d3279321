package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.UUID;

/**
 * {@code replay_complete.data}. {@code fromOffset}/{@code toOffset} are the first and last
 * offsets sent (both null when none was sent); {@code hasMore} means {@code max_events} cut the
 * replay and the client should ask again with {@code since_offset = toOffset}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ReplayComplete(
        UUID projectId,
        int eventsReplayed,
        Long fromOffset,
        Long toOffset,
        String epoch,
        boolean hasMore,
        boolean recovered,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
}
