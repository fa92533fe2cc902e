package dev.lattice.backend.h2;

import dev.lattice.cluster.EmbeddedSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import org.h2.engine.Database;
import org.h2.schema.Schema;
import org.h2.schema.SchemaObject;

/**
 * A number that changes when the user's schema objects of an embedded H2 database change:
 * created, dropped or altered. H2's own counter ({@code getModificationMetaId}) also moves for
 * every SET command and temporary object of any session, so it cannot tell that a statement
 * changed the schema; this one can.
 */
final class SchemaFingerprint {

    private SchemaFingerprint() {
    }

    static long of(Connection embedded) throws SQLException {
        Database db = EmbeddedSession.of(embedded).getDatabase();
        long count = 0;
        long sum = 0;
        ArrayList<SchemaObject> objects = new ArrayList<>();
        for (Schema schema : db.getAllSchemasNoMeta()) {
            count++;
            sum += schema.getModificationId();
            objects.clear();
            schema.getAll(objects);
            for (SchemaObject o : objects) {
                count++;
                sum += o.getModificationId() * 31 + o.getId();
            }
        }
        return count * 1_000_003L + sum;
    }
}
