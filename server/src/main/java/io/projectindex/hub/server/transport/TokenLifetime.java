package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.protocol.message.Notice;
import io.projectindex.hub.protocol.message.RefreshAck;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A connection's token over time (PROTOCOL §3 {@code refresh}, §10 close 4001). Confined to the
 * connection's event loop: it is created there, and its timers are set from there, so they fire
 * there too.
 *
 * <p>The token is valid until {@code exp} plus the allowed clock skew — the same bound the
 * handshake applied. A {@code token_expiring} notice goes out {@code AUTH_EXPIRY_NOTICE_SECONDS}
 * before {@code exp} (at once if the token is already that close), and at the bound the
 * connection is closed with 4001. A {@code refresh} with a valid token for the same {@code sub}
 * replaces the whole principal — expiry, projects and scopes — because the newest token is the
 * current statement of what the user may do (live delivery checks it per event, so narrowed rights
 * apply at once); the timers are set again from the new expiry. An invalid token is
 * {@code INVALID_FIELD} and a token for another user {@code FORBIDDEN}; either way the connection
 * keeps its current token.
 */
final class TokenLifetime {
    private static final Logger log = LoggerFactory.getLogger(TokenLifetime.class);

    private final Vertx vertx;
    private final HubServices services;
    private final String connectionId;
    private final String remoteIp;
    /** The user the connection was admitted as; a refresh cannot change it. */
    private final String userId;
    private Principal principal;
    private Consumer<Notice> onExpiring;
    private Runnable onExpired;
    private long noticeTimer = -1;
    private long expiryTimer = -1;
    private boolean closed;

    TokenLifetime(Vertx vertx, HubServices services, Principal principal, String connectionId, SocketAddress remote) {
        this.vertx = vertx;
        this.services = services;
        this.principal = principal;
        this.userId = principal.userId();
        this.connectionId = connectionId;
        String ip = remote == null ? null : remote.hostAddress();
        this.remoteIp = ip == null ? "unknown" : ip;
    }

    Principal principal() {
        return principal;
    }

    /** Arms the timers for the current token; the callbacks run on the connection's loop. */
    void start(Consumer<Notice> onExpiring, Runnable onExpired) {
        this.onExpiring = onExpiring;
        this.onExpired = onExpired;
        schedule();
    }

    /**
     * Verifies {@code token} and, when it is valid and for the same user, makes it the
     * connection's token. Returns the new principal; throws the error to reply with otherwise.
     */
    Principal refresh(String token) {
        if (!services.authenticator().enabled()) {
            return principal;
        }
        Principal next;
        try {
            next = services.authenticator().authenticate(token);
        } catch (AuthenticationException e) {
            log.info("connection {}: refresh refused for user {}: {}", connectionId, userId, e.getMessage());
            services.metrics().error("unauthorized", "refresh");
            services.audit().authFailure("refresh", remoteIp, e.getMessage());
            throw new ProtocolException(ErrorCode.INVALID_FIELD,
                    "token is not valid; the connection keeps its current token", Map.of("field", "token"));
        }
        if (!next.userId().equals(userId)) {
            log.info("connection {}: refresh refused: token is for user {}, connection is user {}", connectionId,
                    next.userId(), userId);
            throw new ProtocolException(ErrorCode.FORBIDDEN,
                    "a refresh token must be for the same user (sub) as the connection's token", Map.of("field", "token"));
        }
        principal = next;
        services.audit().tokenRefreshed(userId, connectionId, next.expiresAt());
        schedule();
        return next;
    }

    RefreshAck ack() {
        Instant exp = principal.expiresAt();
        return new RefreshAck("success", principal.userId(), exp == null ? null : Timestamps.format(exp));
    }

    /** Writes a FORBIDDEN reply to the audit log. */
    void forbidden(ProtocolException e) {
        Object project = e.details().get("project_id");
        UUID projectId = null;
        if (project instanceof String s) {
            try {
                projectId = UUID.fromString(s);
            } catch (IllegalArgumentException ignored) {
                // not a project refusal
            }
        }
        services.audit().forbidden(principal.userId(), e.action() == null ? "unknown" : e.action(), projectId, remoteIp);
    }

    /** The connection is gone: stops the timers and returns the user's connection slot. */
    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        cancel();
        services.admission().release(userId);
    }

    private void schedule() {
        cancel();
        Instant exp = principal.expiresAt();
        if (closed || exp == null || onExpired == null) {
            return;
        }
        Instant now = services.clock().now();
        long untilDeadline = Duration.between(now, exp.plus(services.config().auth().clockSkew())).toMillis();
        expiryTimer = vertx.setTimer(Math.max(1, untilDeadline), id -> expire());
        Duration lead = services.config().auth().expiryNotice();
        if (!lead.isZero()) {
            long untilNotice = Duration.between(now, exp.minus(lead)).toMillis();
            noticeTimer = vertx.setTimer(Math.max(1, untilNotice), id -> {
                noticeTimer = -1;
                onExpiring.accept(new Notice(Notice.TOKEN_EXPIRING,
                        "the token expires soon; send {\"action\":\"refresh\",\"token\":…} with a new one to stay connected",
                        null, Timestamps.format(exp)));
            });
        }
    }

    private void expire() {
        expiryTimer = -1;
        if (closed) {
            return;
        }
        log.info("connection {}: token of user {} expired at {}; closing with 4001", connectionId, userId,
                principal.expiresAt());
        services.metrics().error("token_expired", "connection");
        services.audit().tokenExpired(userId, connectionId, remoteIp);
        onExpired.run();
    }

    private void cancel() {
        if (noticeTimer >= 0) {
            vertx.cancelTimer(noticeTimer);
            noticeTimer = -1;
        }
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
    }
}
