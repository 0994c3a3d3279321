package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code refresh_ack.data}: the token's new expiry (null when the token has none or auth is off). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RefreshAck(String status, String userId, String expiresAt) {
}
