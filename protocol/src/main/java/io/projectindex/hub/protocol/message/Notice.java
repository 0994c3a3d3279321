package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code notice.data}: a server-initiated announcement, e.g. {@code {"kind":"shutdown"}},
 * {@code {"kind":"token_expiring","expires_at":…}} shortly before the connection's token expires,
 * or {@code {"kind":"stream_reset","project_id":…,"recovered":false,"reason":…,"epoch":…,"offset":…}}
 * when a project's live events could not continue without a hole on a connection that cannot
 * resume it (its subscriptions have no project); live events continue after {@code epoch:offset}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notice(String kind, String message, Long reconnectAfterMs, String expiresAt, String projectId,
                     Boolean recovered, String reason, String epoch, Long offset) {
    public static final String SHUTDOWN = "shutdown";
    public static final String TOKEN_EXPIRING = "token_expiring";
    public static final String STREAM_RESET = "stream_reset";

    public Notice(String kind, String message, Long reconnectAfterMs) {
        this(kind, message, reconnectAfterMs, null);
    }

    public Notice(String kind, String message, Long reconnectAfterMs, String expiresAt) {
        this(kind, message, reconnectAfterMs, expiresAt, null, null, null, null, null);
    }

    /** A {@code stream_reset} notice: events of {@code projectId} were lost ({@code reason}); live resumes after epoch:offset. */
    public static Notice streamReset(String projectId, String reason, String epoch, long offset) {
        return new Notice(STREAM_RESET, "live events of project " + projectId + " continue after " + epoch + ":" + offset
                + " (" + reason + ")", null, null, projectId, false, reason, epoch, offset);
    }
}
