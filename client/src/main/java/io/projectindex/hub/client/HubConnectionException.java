package io.projectindex.hub.client;

/**
 * The connection to the hub could not be opened, was lost before a request was answered, or is
 * not open. {@link #closeCode()} is the WebSocket close code when one is known (1006 for a
 * network failure), the HTTP status of a refused handshake (e.g. 401), or 0.
 */
public class HubConnectionException extends HubException {
    private final int closeCode;

    public HubConnectionException(String message, int closeCode) {
        super(message);
        this.closeCode = closeCode;
    }

    public HubConnectionException(String message, int closeCode, Throwable cause) {
        super(message, cause);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
