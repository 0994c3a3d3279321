package io.projectindex.hub.protocol.message;

/** {@code pong.data}: the connection's health score 0..1 and the server's clock. */
public record Pong(double connectionHealth, String serverTime) {
}
