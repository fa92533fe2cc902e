package dev.lattice.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** A loopback port that was free a moment ago. */
public final class FreePort {

    private FreePort() {
    }

    public static int find() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
