package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Portals live as PostgreSQL's do: to the end of the transaction they were bound in, no longer. */
class PortalsTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("portals", Map.of("auth", "trust"));
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table listed (id int primary key)");
            s.execute("insert into listed values (1), (2), (3)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    private static boolean portalMissing(List<RawClient.Message> messages) {
        return messages.stream().anyMatch(m -> m.type() == 'E' && m.text().contains("C34000"));
    }

    @Test
    void aSuspendedPortalEndsWithItsAutocommitTransactionAtSync() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.parse("select id from listed order by id"));
            c.send(RawClient.bind("rows", ""));
            c.send(RawClient.execute("rows", 1));
            c.send(RawClient.sync());
            List<RawClient.Message> first = c.readUpToReady();
            assertTrue(first.stream().anyMatch(m -> m.type() == 's'), "suspended after one row: " + first);
            c.send(RawClient.execute("rows", 1));
            c.send(RawClient.sync());
            List<RawClient.Message> after = c.readUpToReady();
            assertTrue(portalMissing(after), "the portal ended with its transaction: " + after);
        }
    }

    @Test
    void aPortalRunToCompletionAndExecutedAgainReturnsNoMoreRows() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.parse("select id from listed order by id"));
            c.send(RawClient.bind("all", ""));
            c.send(RawClient.execute("all", 0));
            c.send(RawClient.execute("all", 0));
            c.send(RawClient.sync());
            List<String> tags = new ArrayList<>();
            for (RawClient.Message m : c.readUpToReady()) {
                if (m.type() == 'C') {
                    tags.add(m.text().replace("\0", ""));
                }
            }
            assertEquals(List.of("SELECT 3", "SELECT 0"), tags, "as PostgreSQL tags them");
        }
    }

    @Test
    void aPortalOfAnExplicitTransactionLastsUntilCommit() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.query("begin"));
            assertNotNull(c.readUntil('Z'));
            c.send(RawClient.parse("select id from listed order by id"));
            c.send(RawClient.bind("rows", ""));
            c.send(RawClient.execute("rows", 1));
            c.send(RawClient.sync());
            c.readUpToReady();
            c.send(RawClient.execute("rows", 1));
            c.send(RawClient.sync());
            List<RawClient.Message> within = c.readUpToReady();
            assertTrue(within.stream().anyMatch(m -> m.type() == 'D' && m.text().endsWith("2")),
                    "the second row, within the transaction: " + within);
            c.send(RawClient.query("commit"));
            List<RawClient.Message> commit = c.readUpToReady();
            assertEquals('I', (char) commit.get(commit.size() - 1).body()[0]);
            c.send(RawClient.execute("rows", 1));
            c.send(RawClient.sync());
            assertTrue(portalMissing(c.readUpToReady()), "the portal ended at COMMIT");
        }
    }
}
