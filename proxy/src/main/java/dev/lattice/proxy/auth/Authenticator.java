package dev.lattice.proxy.auth;

import io.netty.buffer.ByteBuf;

/** One authentication exchange of one connection: the first request, then each password message. */
public interface Authenticator {

    /** Writes the first AuthenticationXXX request (nothing for trust). */
    void start(ByteBuf out);

    /**
     * Takes the client's next password message; writes the next request into {@code out}.
     *
     * @return true when the client is authenticated (AuthenticationOk still to be sent),
     *         false when another message is needed
     * @throws AuthenticationFailed when the credentials are wrong
     */
    boolean step(byte[] payload, ByteBuf out) throws AuthenticationFailed;

    /** Whether the exchange is already complete (trust). */
    default boolean done() {
        return false;
    }

    /** The client's credentials were wrong (SQLState 28P01) or its messages malformed (08P01). */
    final class AuthenticationFailed extends Exception {
        private final String sqlState;

        public AuthenticationFailed(String sqlState, String message) {
            super(message, null, false, false);
            this.sqlState = sqlState;
        }

        public String sqlState() {
            return sqlState;
        }
    }
}
