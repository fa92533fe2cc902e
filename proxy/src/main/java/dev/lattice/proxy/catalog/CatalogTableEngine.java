package dev.lattice.proxy.catalog;

import java.util.ArrayList;
import java.util.List;
import org.h2.api.TableEngine;
import org.h2.command.ddl.CreateTableData;
import org.h2.table.Column;
import org.h2.table.Table;

/**
 * H2's table engine for {@link CatalogTable}: {@code CREATE TABLE pg_catalog.lattice_pg_class (x INT)
 * ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_class", "oid"} makes a
 * table with the columns of the source view (the first parameter), indexed on the columns named
 * after it. The declared columns are ignored: the view decides.
 */
public final class CatalogTableEngine implements TableEngine {

    @Override
    public Table createTable(CreateTableData data) {
        String source = data.tableEngineParams.get(0);
        // H2 reopening a file database creates the table from its stored SQL: that must never fail (the
        // database would not open), so without a usable view the declared columns stand until the
        // catalog's next install (at every start) creates the table again
        Table view = data.schema.findTableOrView(data.session, source);
        Column[] columns;
        try {
            columns = view == null ? new Column[0] : view.getColumns();
        } catch (RuntimeException e) {
            columns = new Column[0];
        }
        if (columns.length == 0) {
            return new CatalogTable(data, source, List.of());
        }
        CreateTableData copy = new CreateTableData();
        copy.schema = data.schema;
        copy.tableName = data.tableName;
        copy.id = data.id;
        copy.temporary = data.temporary;
        copy.globalTemporary = data.globalTemporary;
        copy.persistIndexes = data.persistIndexes;
        copy.persistData = data.persistData;
        copy.session = data.session;
        copy.tableEngine = data.tableEngine;
        copy.tableEngineParams = data.tableEngineParams;
        copy.columns = new ArrayList<>();
        for (Column c : columns) {
            copy.columns.add(new Column(c.getName(), c.getType()));
        }
        return new CatalogTable(copy, source, data.tableEngineParams.subList(1, data.tableEngineParams.size()));
    }
}
