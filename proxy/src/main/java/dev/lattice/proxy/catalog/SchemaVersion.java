package dev.lattice.proxy.catalog;

import java.util.Objects;
import org.h2.engine.Database;
import org.h2.schema.Schema;
import org.h2.schema.SchemaObject;
import org.h2.schema.Sequence;
import org.h2.table.Column;
import org.h2.table.Table;

/**
 * What the catalog's rows depend on, for {@link CatalogTable}: H2's meta counter moves with every
 * DDL but also with each session opened and each {@code SET}, so where it moved, a fingerprint of
 * the schema decides: every object's id, name and modification id (which a create, an alter or a
 * drop changes), comments (which change none of them) and sequences' parameters.
 */
final class SchemaVersion {

    private SchemaVersion() {
    }

    static long fingerprint(Database database) {
        long h = 17;
        for (Schema schema : database.getAllSchemasNoMeta()) {
            if (schema.getName().equalsIgnoreCase("INFORMATION_SCHEMA")) {
                continue;
            }
            h = mix(h, schema.getId(), schema.getName().hashCode(), Objects.hashCode(schema.getComment()));
            for (SchemaObject o : schema.getAll(null)) {
                h = mix(h, o.getId(), o.getModificationId(), o.getName().hashCode() * 31L + Objects.hashCode(o.getComment()));
                if (o instanceof Table table) {
                    for (Column c : table.getColumns()) {
                        h = mix(h, c.getColumnId(), c.getName().hashCode(), Objects.hashCode(c.getComment()));
                    }
                } else if (o instanceof Sequence s) {
                    h = mix(h, s.getStartValue(), s.getIncrement(), s.getMinValue() * 31 + s.getMaxValue()
                            + s.getCycle().ordinal());
                }
            }
        }
        return h;
    }

    private static long mix(long h, long a, long b, long c) {
        h = h * 1_000_003L + a;
        h = h * 1_000_003L + b;
        return h * 1_000_003L + c;
    }
}
