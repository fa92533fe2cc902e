package dev.lattice.proxy.catalog;

import java.util.ArrayList;
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
        Table view = data.schema.getTableOrView(data.session, source);
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
        for (Column c : view.getColumns()) {
            copy.columns.add(new Column(c.getName(), c.getType()));
        }
        return new CatalogTable(copy, source, data.tableEngineParams.subList(1, data.tableEngineParams.size()));
    }
}
