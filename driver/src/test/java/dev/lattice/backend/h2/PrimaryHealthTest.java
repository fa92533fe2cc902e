package dev.lattice.backend.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.cluster.Node;
import dev.lattice.cluster.NodeRole;
import dev.lattice.testing.FreePort;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What a connection error on the primary does to the cluster's view of it. */
class PrimaryHealthTest {

    private static final SQLException BROKEN = new SQLException("Connection is broken", "08006");

    @Test
    void anErrorOnThePrimaryWhoseServerIsGoneMarksItUnreachable() throws Exception {
        PrimaryHealth health = new PrimaryHealth();
        Node gone = goneNode();
        health.watch(gone);
        assertTrue(health.confirmLost(gone, BROKEN));
        assertEquals(PrimaryHealth.State.UNREACHABLE, health.state());
    }

    /**
     * A session whose statement failed on the old primary reports it after a promotion replaced
     * that primary: the promoted one stays usable (before, it was marked unreachable, and every
     * write failed with 08006 until the probe found it again).
     */
    @Test
    void anErrorOnAFormerPrimaryLeavesThePromotedOneUsable() throws Exception {
        PrimaryHealth health = new PrimaryHealth();
        Node old = goneNode();
        health.watch(old);
        Node promoted = new Node("replica1", NodeRole.REPLICA, "jdbc:h2:mem:health-promoted", "sa", "");
        health.replaced(promoted);
        assertFalse(health.confirmLost(old, BROKEN), "the old primary's error is the statement's own");
        assertEquals(PrimaryHealth.State.ONLINE, health.state());
        assertTrue(health.usable());
    }

    /** A remote node on a port where nothing listens. */
    private static Node goneNode() throws Exception {
        return new Node("primary", NodeRole.PRIMARY, "jdbc:h2:tcp://localhost:" + FreePort.find() + "/gone", "sa", "");
    }
}
