package dev.lattice.cluster;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

class EmbeddedSessionTest {

    @Test
    void anEmbeddedConnectionHasItsSession() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:embedded-session-a")) {
            SessionLocal session = EmbeddedSession.of(c);
            assertSame(c.unwrap(JdbcConnection.class).getSession(), session);
        }
    }

    @Test
    void aPooledEmbeddedConnectionIsLookedThrough() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:embedded-session-b;DB_CLOSE_DELAY=-1");
        try (HikariDataSource pool = new HikariDataSource(config); Connection c = pool.getConnection()) {
            assertNotNull(EmbeddedSession.of(c));
        }
    }

    @Test
    void aServerInAnotherProcessOrAnotherDatabaseHasNone() throws Exception {
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        try (Connection c = DriverManager.getConnection(
                "jdbc:h2:tcp://localhost:" + server.getPort() + "/mem:embedded-session-c")) {
            assertNull(EmbeddedSession.of(c), "a TCP connection reaches no session of this JVM");
        } finally {
            server.stop();
        }
        Connection other = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isWrapperFor")) {
                        return false;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertNull(EmbeddedSession.of(other), "a connection of another driver");
    }
}
