package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * As in PostgreSQL, the statements of one extended-protocol pipeline outside a transaction block
 * commit together at its Sync, or not at all: a JDBC batch in autocommit that fails leaves nothing.
 */
class PipelineTransactionTest {

    private static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("pipelines", Map.of("auth", "trust"));
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table batched (id int primary key)");
            s.execute("insert into batched values (5)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
    }

    @Test
    void aFailedBatchInAutocommitLeavesNothing() throws Exception {
        try (Connection c = proxy.connect(); PreparedStatement ps = c.prepareStatement("insert into batched values (?)")) {
            for (int id : new int[] {1, 2, 5, 6}) {
                ps.setInt(1, id);
                ps.addBatch();
            }
            BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
            assertEquals("23505", e.getSQLState());
        }
        assertEquals(List.of("5"), proxy.onNode("primary", "select id from batched order by id"),
                "the rows of the batch before the duplicate key are not kept");
        try (Connection c = proxy.connect(); PreparedStatement ps = c.prepareStatement("insert into batched values (?)")) {
            for (int id : new int[] {10, 11, 12}) {
                ps.setInt(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
            assertEquals(List.of("3"), RunningProxy.rows(c, "select count(*) from batched where id >= 10"),
                    "a batch that succeeds is committed, and the session reads its own writes");
            assertEquals(true, c.getAutoCommit());
        }
        assertEquals(List.of("5", "10", "11", "12"), proxy.onNode("primary", "select id from batched order by id"));
    }

    @Test
    void aBadMessageLaterInThePipelineUndoesItsEarlierWrites() throws Exception {
        try (RawClient c = new RawClient(proxy.port())) {
            c.sendStartup("lattice");
            c.readUntil('Z');
            java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
            pipeline.writeBytes(RawClient.parse("insert into batched values (20)"));
            pipeline.writeBytes(RawClient.bind((short) 0));
            pipeline.writeBytes(RawClient.execute());
            pipeline.writeBytes(RawClient.bind("", "no such statement"));
            pipeline.writeBytes(RawClient.execute());
            pipeline.writeBytes(RawClient.sync());
            c.send(pipeline.toByteArray());
            RawClient.Message error = c.readUntil('E');
            assertEquals(true, error.text().contains("C26000"), error.text());
            RawClient.Message ready = c.readUntil('Z');
            assertEquals('I', (char) ready.body()[0]);
            c.send(RawClient.query("select count(*) from batched where id = 20"));
            RawClient.Message row = c.readUntil('D');
            assertEquals(true, row.text().endsWith("0"), "the INSERT before the error is undone at the Sync");
            c.readUntil('Z');
        }
        assertEquals(List.of("0"), proxy.onNode("primary", "select count(*) from batched where id = 20"));
    }
}
