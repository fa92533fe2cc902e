package dev.lattice.proxy.auth;

import io.netty.buffer.ByteBuf;

/** trust: no password asked (only when configured). */
public final class TrustAuthenticator implements Authenticator {

    @Override
    public void start(ByteBuf out) {
    }

    @Override
    public boolean step(byte[] payload, ByteBuf out) throws AuthenticationFailed {
        throw new AuthenticationFailed("08P01", "no password was asked for");
    }

    @Override
    public boolean done() {
        return true;
    }
}
