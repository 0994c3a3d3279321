package io.projectindex.hub.protocol.message;

import io.projectindex.hub.protocol.filter.FilterSpec;

/** {@code preferences_ack.data}: the connection's preferences as now in force. */
public record PreferencesAck(String status, FilterSpec preferences) {
}
