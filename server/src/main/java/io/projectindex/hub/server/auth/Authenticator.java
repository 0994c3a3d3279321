package io.projectindex.hub.server.auth;

/**
 * Turns a bearer token into a {@link Principal}. With authentication off every request is
 * {@link Principal#ANONYMOUS}. Thread-safe.
 */
public interface Authenticator {

    boolean enabled();

    /**
     * @param token the raw token, or null when the request carried none
     * @throws AuthenticationException when auth is on and the token is missing or invalid
     */
    Principal authenticate(String token);

    Authenticator DISABLED = new Authenticator() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Principal authenticate(String token) {
            return Principal.ANONYMOUS;
        }
    };
}
