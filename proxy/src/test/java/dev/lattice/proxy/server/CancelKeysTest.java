package dev.lattice.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lattice.proxy.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cancel keys of sessions: each one goes with its connection, however early the client leaves. */
class CancelKeysTest {

    @Test
    void aConnectionClosedWhileItsSessionOpensLeavesNoCancelKey() throws Exception {
        ProxyServer server = ProxyServer.start(ConfigLoader.fromMap(Map.of("port", 0, "auth", "trust",
                "users", List.of(Map.of("name", "lattice", "password", "lattice")),
                "cluster", Map.of("url", "jdbc:lattice:mem:cancelkeys?replicas=2"))));
        try {
            for (int i = 0; i < 100; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(startup());
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    assertEquals('R', in.readUnsignedByte(), "AuthenticationOk");
                    // gone before the session it authenticated for is open (as a health check may be)
                }
            }
            long end = System.nanoTime() + 20_000_000_000L;
            while (server.stats().sessions() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(0, server.stats().sessions(), "every session closed");
            assertEquals(0, server.cancels().size(), "cancel keys of closed sessions");
        } finally {
            server.close();
        }
    }

    private static byte[] startup() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(196608).array());
        for (String s : new String[] {"user", "lattice", "database", "lattice"}) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        return ByteBuffer.allocate(4 + b.length).putInt(4 + b.length).put(b).array();
    }
}
