package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a session ends: what the client sent before its Terminate is done first, as PostgreSQL does it. */
class SessionEndTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("sessionend", Map.of("auth", "trust"));
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table ended (id int primary key, v int)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    @Test
    void aCommitSentTogetherWithTerminateCommits() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.query("begin"));
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.query("insert into ended values (1, 10)"));
            assertNotNull(c.readUntil('Z'));
            ByteArrayOutputStream commitAndGo = new ByteArrayOutputStream();
            commitAndGo.writeBytes(RawClient.query("commit"));
            commitAndGo.writeBytes(RawClient.message('X', new byte[0]));
            c.send(commitAndGo.toByteArray());
            List<RawClient.Message> rest = c.readToEnd();
            assertTrue(rest.stream().anyMatch(m -> m.type() == 'C' && m.text().startsWith("COMMIT")),
                    "the COMMIT is answered before the connection closes: " + rest);
        }
        assertEquals(List.of("1|10"), proxy.onNode("primary", "select id, v from ended where id = 1"),
                "the transaction committed before the Terminate is on the primary");
    }

    @Test
    void anInsertPipelinedBeforeTerminateIsDone() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            ByteArrayOutputStream insertAndGo = new ByteArrayOutputStream();
            insertAndGo.writeBytes(RawClient.query("insert into ended select x + 100, x from system_range(1, 50) r(x)"));
            insertAndGo.writeBytes(RawClient.message('X', new byte[0]));
            c.send(insertAndGo.toByteArray());
            c.readToEnd();
        }
        assertEquals(List.of("50"), proxy.onNode("primary", "select count(*) from ended where id > 100"));
    }
}
