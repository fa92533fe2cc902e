-- Lattice's pg_catalog over H2 (PostgreSQL mode): views over INFORMATION_SCHEMA, so they stay right
-- after any DDL on the node that answers. They live in H2's own pg_catalog schema (which Lattice's
-- capture, snapshots and checksums leave out) as lattice_<name>; the proxy points pg_catalog.<name>
-- at them. The costly ones are views named lattice_src_<name> read through an in-memory table
-- lattice_<name> (CatalogTable: the view's rows once per schema version, indexed on its key
-- columns); nothing is stored in a table, so no row of the catalog is ever replicated.
-- Statements end with a line that is just ';'.

CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_oid FOR 'dev.lattice.proxy.catalog.CatalogFunctions.oid'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_namespace_oid FOR 'dev.lattice.proxy.catalog.CatalogFunctions.namespaceOid'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_type_oid FOR 'dev.lattice.proxy.catalog.CatalogFunctions.typeOid'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_typmod FOR 'dev.lattice.proxy.catalog.CatalogFunctions.typmod'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_format_type FOR 'dev.lattice.proxy.catalog.CatalogFunctions.formatType'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_get_userbyid FOR 'dev.lattice.proxy.catalog.CatalogFunctions.userById'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_table_is_visible FOR 'dev.lattice.proxy.catalog.CatalogFunctions.tableIsVisible'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_get_indexdef FOR 'dev.lattice.proxy.catalog.CatalogFunctions.indexDef'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_get_constraintdef FOR 'dev.lattice.proxy.catalog.CatalogFunctions.constraintDef'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_get_expr FOR 'dev.lattice.proxy.catalog.CatalogFunctions.expr'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_obj_description FOR 'dev.lattice.proxy.catalog.CatalogFunctions.description'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_col_description FOR 'dev.lattice.proxy.catalog.CatalogFunctions.columnDescription'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_encoding_to_char FOR 'dev.lattice.proxy.catalog.CatalogFunctions.encodingToChar'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_regclass_name FOR 'dev.lattice.proxy.catalog.CatalogFunctions.regclassName'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_regclass_oid FOR 'dev.lattice.proxy.catalog.CatalogFunctions.regclassOid'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_partition_ancestors FOR 'dev.lattice.proxy.catalog.CatalogFunctions.partitionAncestors'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_relation_is_publishable FOR 'dev.lattice.proxy.catalog.CatalogFunctions.relationIsPublishable'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_current_schemas FOR 'dev.lattice.proxy.catalog.CatalogFunctions.currentSchemas'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_array_upper FOR 'dev.lattice.proxy.catalog.CatalogFunctions.arrayUpper'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_element FOR 'dev.lattice.proxy.catalog.CatalogFunctions.element'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_quote_ident FOR 'dev.lattice.proxy.catalog.CatalogFunctions.quoteIdent'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_get_viewdef FOR 'dev.lattice.proxy.catalog.CatalogFunctions.viewDef'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_get_keywords FOR 'dev.lattice.proxy.catalog.CatalogFunctions.keywords'
;
-- PostgreSQL's json operators (->, ->>, #>, #>>), which the proxy rewrites into these calls.
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_json_field DETERMINISTIC FOR 'dev.lattice.proxy.pgsql.JsonFunctions.field'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_json_field_text DETERMINISTIC FOR 'dev.lattice.proxy.pgsql.JsonFunctions.fieldText'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_json_element DETERMINISTIC FOR 'dev.lattice.proxy.pgsql.JsonFunctions.element'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_json_element_text DETERMINISTIC FOR 'dev.lattice.proxy.pgsql.JsonFunctions.elementText'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_json_path DETERMINISTIC FOR 'dev.lattice.proxy.pgsql.JsonFunctions.path'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_json_path_text DETERMINISTIC FOR 'dev.lattice.proxy.pgsql.JsonFunctions.pathText'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_shobj_description FOR 'dev.lattice.proxy.catalog.CatalogFunctions.sharedDescription'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_size_pretty FOR 'dev.lattice.proxy.catalog.CatalogSizes.sizePretty'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_table_size FOR 'dev.lattice.proxy.catalog.CatalogSizes.tableSize'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_relation_size FOR 'dev.lattice.proxy.catalog.CatalogSizes.relationSize'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_total_relation_size FOR 'dev.lattice.proxy.catalog.CatalogSizes.totalRelationSize'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_indexes_size FOR 'dev.lattice.proxy.catalog.CatalogSizes.indexesSize'
;
CREATE ALIAS IF NOT EXISTS pg_catalog.lattice_pg_database_size FOR 'dev.lattice.proxy.catalog.CatalogSizes.databaseSize'
;

-- The user's schemas: every schema but Lattice's own and H2's.
CREATE OR REPLACE VIEW pg_catalog.lattice_user_schemas (nspname) AS
SELECT schema_name FROM information_schema.schemata
WHERE UPPER(schema_name) NOT IN ('LATTICE', 'INFORMATION_SCHEMA', 'PG_CATALOG')
;

-- Constraints with the names PostgreSQL would have given the ones H2 named CONSTRAINT_n.
CREATE OR REPLACE VIEW pg_catalog.lattice_src_constraints
    (nspname, tablename, h2name, conname, contype, h2index, keynames, keylist, keynums, check_clause, refschema,
    reftable) AS
SELECT tc.constraint_schema, tc.table_name, tc.constraint_name,
    CASE WHEN tc.constraint_name NOT LIKE 'CONSTRAINT!_%' ESCAPE '!' THEN tc.constraint_name
         WHEN tc.constraint_type = 'PRIMARY KEY' THEN tc.table_name || '_pkey'
         WHEN tc.constraint_type = 'UNIQUE' THEN tc.table_name || '_' || k.keynames || '_key'
         WHEN tc.constraint_type = 'FOREIGN KEY' THEN tc.table_name || '_' || k.keynames || '_fkey'
         ELSE tc.table_name || '_check' END,
    CASE tc.constraint_type WHEN 'PRIMARY KEY' THEN 'p' WHEN 'UNIQUE' THEN 'u' WHEN 'FOREIGN KEY' THEN 'f' ELSE 'c' END,
    tc.index_name, k.keynames, k.keylist, k.keynums,
    CASE WHEN tc.constraint_type = 'CHECK' THEN (SELECT cc.check_clause FROM information_schema.check_constraints cc
     WHERE cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name) END,
    CASE WHEN tc.constraint_type = 'FOREIGN KEY' THEN (SELECT u.table_schema
     FROM information_schema.referential_constraints rc
     JOIN information_schema.table_constraints u ON u.constraint_schema = rc.unique_constraint_schema
        AND u.constraint_name = rc.unique_constraint_name
     WHERE rc.constraint_schema = tc.constraint_schema AND rc.constraint_name = tc.constraint_name) END,
    CASE WHEN tc.constraint_type = 'FOREIGN KEY' THEN (SELECT u.table_name
     FROM information_schema.referential_constraints rc
     JOIN information_schema.table_constraints u ON u.constraint_schema = rc.unique_constraint_schema
        AND u.constraint_name = rc.unique_constraint_name
     WHERE rc.constraint_schema = tc.constraint_schema AND rc.constraint_name = tc.constraint_name) END
FROM information_schema.table_constraints tc
LEFT JOIN (SELECT ku.constraint_schema, ku.constraint_name,
        LISTAGG(ku.column_name, '_') WITHIN GROUP (ORDER BY ku.ordinal_position) AS keynames,
        LISTAGG(ku.column_name, ', ') WITHIN GROUP (ORDER BY ku.ordinal_position) AS keylist,
        ARRAY_AGG(CAST(col.ordinal_position AS SMALLINT) ORDER BY ku.ordinal_position) AS keynums
    FROM information_schema.key_column_usage ku
    JOIN information_schema.columns col ON col.table_schema = ku.table_schema AND col.table_name = ku.table_name
        AND col.column_name = ku.column_name
    GROUP BY ku.constraint_schema, ku.constraint_name) k
  ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
WHERE tc.constraint_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_constraints (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_constraints", "tablename", "h2name"
;

-- Indexes, named after their constraint as PostgreSQL names them; H2's own index for a foreign key
-- (CONSTRAINT_INDEX_n, or CONSTRAINT_<hex>_n_INDEX_n once ALTER TABLE copied the table; PostgreSQL creates none) is left out.
CREATE OR REPLACE VIEW pg_catalog.lattice_src_indexes
    (nspname, tablename, h2name, relname, isprimary, isunique, amname, keylist, keynums, options) AS
SELECT i.index_schema, i.table_name, i.index_name, COALESCE(c.conname, i.index_name),
    i.index_type_name = 'PRIMARY KEY',
    i.index_type_name IN ('PRIMARY KEY', 'UNIQUE INDEX'),
    CASE WHEN i.index_type_name LIKE '%HASH%' THEN 'hash' ELSE 'btree' END,
    (SELECT LISTAGG(ic.column_name, ', ') WITHIN GROUP (ORDER BY ic.ordinal_position)
     FROM information_schema.index_columns ic
     WHERE ic.index_schema = i.index_schema AND ic.index_name = i.index_name AND ic.table_name = i.table_name),
    (SELECT ARRAY_AGG(CAST(col.ordinal_position AS SMALLINT) ORDER BY ic.ordinal_position)
     FROM information_schema.index_columns ic
     JOIN information_schema.columns col ON col.table_schema = ic.table_schema AND col.table_name = ic.table_name
        AND col.column_name = ic.column_name
     WHERE ic.index_schema = i.index_schema AND ic.index_name = i.index_name AND ic.table_name = i.table_name),
    (SELECT ARRAY_AGG(CAST(0 AS SMALLINT)) FROM information_schema.index_columns ic
     WHERE ic.index_schema = i.index_schema AND ic.index_name = i.index_name AND ic.table_name = i.table_name)
FROM information_schema.indexes i
LEFT JOIN pg_catalog.lattice_constraints c
  ON c.nspname = i.index_schema AND c.h2index = i.index_name AND c.contype IN ('p', 'u')
WHERE i.index_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
  AND NOT (i.index_name LIKE 'CONSTRAINT!_%' ESCAPE '!' AND c.contype IS NULL)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_indexes (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_indexes", "tablename", "h2name"
;

-- Every relation of the user's schemas: tables, views, indexes, sequences, and the sequence behind
-- each identity column (shown as serial's <table>_<column>_seq).
CREATE OR REPLACE VIEW pg_catalog.lattice_src_relations (oid, nspname, relname, relkind, tablename) AS
SELECT pg_catalog.lattice_oid('r', table_schema, table_name), table_schema, table_name,
    CASE WHEN table_type = 'VIEW' THEN 'v' ELSE 'r' END, CAST(NULL AS VARCHAR)
FROM information_schema.tables WHERE table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
UNION ALL
SELECT pg_catalog.lattice_oid('i', nspname, relname), nspname, relname, 'i', tablename FROM pg_catalog.lattice_indexes
UNION ALL
SELECT pg_catalog.lattice_oid('S', sequence_schema, sequence_name), sequence_schema, sequence_name, 'S', CAST(NULL AS VARCHAR)
FROM information_schema.sequences WHERE sequence_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
UNION ALL
SELECT pg_catalog.lattice_oid('S', table_schema, table_name || '_' || column_name || '_seq'), table_schema,
    table_name || '_' || column_name || '_seq', 'S', table_name
FROM information_schema.columns
WHERE is_identity = 'YES' AND table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_relations (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_relations", "oid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_namespace (oid, nspname, nspowner, nspacl) AS
SELECT pg_catalog.lattice_namespace_oid(schema_name), schema_name,
    CASE WHEN schema_name = 'public' THEN 6171 ELSE 10 END, CAST(NULL AS VARCHAR ARRAY)
FROM information_schema.schemata WHERE UPPER(schema_name) <> 'LATTICE'
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_namespace (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_namespace", "oid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_class (oid, relname, relnamespace, reltype, reloftype, relowner, relam,
    relfilenode, reltablespace, relpages, reltuples, relallvisible, reltoastrelid, relhasindex, relisshared,
    relpersistence, relkind, relnatts, relchecks, relhasrules, relhastriggers, relhassubclass, relrowsecurity,
    relforcerowsecurity, relispopulated, relreplident, relispartition, relrewrite, relacl, reloptions,
    relpartbound) AS
SELECT r.oid, r.relname, pg_catalog.lattice_namespace_oid(r.nspname), 0, 0, 10,
    CASE r.relkind WHEN 'r' THEN 2 WHEN 'i' THEN 403 ELSE 0 END,
    r.oid, 0, 0, CAST(-1 AS REAL), 0, 0,
    r.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_catalog.lattice_indexes i WHERE i.nspname = r.nspname
        AND i.tablename = r.relname),
    FALSE, 'p', r.relkind,
    CAST((SELECT COUNT(*) FROM information_schema.columns c WHERE c.table_schema = r.nspname
        AND c.table_name = r.relname) AS SMALLINT),
    CAST((SELECT COUNT(*) FROM pg_catalog.lattice_constraints k WHERE k.nspname = r.nspname
        AND k.tablename = r.relname AND k.contype = 'c' AND r.relkind = 'r') AS SMALLINT),
    r.relkind = 'v',
    -- PostgreSQL's foreign keys are triggers on both tables; psql lists them only where it sees one
    r.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_catalog.lattice_constraints k WHERE k.contype = 'f'
        AND (k.nspname = r.nspname AND k.tablename = r.relname OR k.refschema = r.nspname AND k.reftable = r.relname)),
    FALSE, FALSE, FALSE, TRUE, 'd', FALSE, 0,
    CAST(NULL AS VARCHAR ARRAY), CAST(NULL AS VARCHAR ARRAY), CAST(NULL AS VARCHAR)
FROM pg_catalog.lattice_relations r
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_class (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_class", "oid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_attribute (attrelid, attname, atttypid, attstattarget, attlen, attnum,
    attndims, attcacheoff, atttypmod, attbyval, attstorage, attalign, attnotnull, atthasdef, atthasmissing,
    attidentity, attgenerated, attisdropped, attislocal, attinhcount, attcollation, attcompression, attacl,
    attoptions, attfdwoptions) AS
SELECT a.attrelid, a.attname, a.atttypid, -1, CAST(-1 AS SMALLINT), a.attnum, 0, -1,
    pg_catalog.lattice_typmod(a.atttypid, a.len, a.prec, a.scale, a.tprec),
    a.atttypid IN (16, 20, 21, 23, 700, 701, 1082, 1083, 1114, 1184),
    CASE WHEN a.atttypid IN (16, 20, 21, 23, 700, 701, 1082, 1083, 1114, 1184, 1266, 1186, 2950) THEN 'p'
         WHEN a.atttypid = 1700 THEN 'm' ELSE 'x' END,
    'i', a.is_nullable = 'NO', a.column_default IS NOT NULL OR a.is_identity = 'YES' OR a.is_generated = 'ALWAYS',
    FALSE, '', CASE WHEN a.is_generated = 'ALWAYS' THEN 's' ELSE '' END, FALSE, TRUE, 0, 0, '',
    CAST(NULL AS VARCHAR ARRAY), CAST(NULL AS VARCHAR ARRAY), CAST(NULL AS VARCHAR ARRAY)
FROM (SELECT pg_catalog.lattice_oid('r', c.table_schema, c.table_name) AS attrelid, c.column_name AS attname,
        CAST(c.ordinal_position AS SMALLINT) AS attnum, c.is_nullable, c.column_default, c.is_identity, c.is_generated,
        pg_catalog.lattice_type_oid(c.data_type, c.character_maximum_length,
            CASE WHEN UPPER(c.data_type) = 'ARRAY' THEN (SELECT e.data_type FROM information_schema.element_types e
             WHERE e.object_schema = c.table_schema AND e.object_name = c.table_name
             AND e.collection_type_identifier = c.dtd_identifier) END) AS atttypid,
        c.character_maximum_length AS len, c.numeric_precision AS prec, c.numeric_scale AS scale,
        c.datetime_precision AS tprec
    FROM information_schema.columns c
    WHERE c.table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
    UNION ALL
    -- an index's attributes are its key columns, numbered in the index
    SELECT pg_catalog.lattice_oid('i', i.nspname, i.relname), ic.column_name, CAST(ic.ordinal_position AS SMALLINT),
        'YES', CAST(NULL AS VARCHAR), 'NO', 'NEVER',
        pg_catalog.lattice_type_oid(c.data_type, c.character_maximum_length, CAST(NULL AS VARCHAR)),
        c.character_maximum_length, c.numeric_precision, c.numeric_scale, c.datetime_precision
    FROM pg_catalog.lattice_indexes i
    JOIN information_schema.index_columns ic ON ic.index_schema = i.nspname AND ic.index_name = i.h2name
        AND ic.table_name = i.tablename
    JOIN information_schema.columns c ON c.table_schema = ic.table_schema AND c.table_name = ic.table_name
        AND c.column_name = ic.column_name) a
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_attribute (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_attribute", "attrelid"
;

-- Defaults as PostgreSQL prints them: an identity column as serial's nextval, H2's LOCALTIMESTAMP as now().
CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_attrdef (oid, adrelid, adnum, adbin) AS
SELECT pg_catalog.lattice_oid('d', c.table_schema, c.table_name || '.' || c.column_name),
    pg_catalog.lattice_oid('r', c.table_schema, c.table_name), CAST(c.ordinal_position AS SMALLINT),
    CASE WHEN c.is_identity = 'YES'
              THEN 'nextval(''' || c.table_name || '_' || c.column_name || '_seq''::regclass)'
         WHEN c.is_generated = 'ALWAYS' THEN c.generation_expression
         WHEN UPPER(c.column_default) IN ('LOCALTIMESTAMP', 'CURRENT_TIMESTAMP', 'NOW()') THEN 'now()'
         ELSE c.column_default END
FROM information_schema.columns c
WHERE c.table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
  AND (c.column_default IS NOT NULL OR c.is_identity = 'YES' OR c.is_generated = 'ALWAYS')
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_attrdef (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_attrdef", "adrelid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_index (indexrelid, indrelid, indnatts, indnkeyatts, indisunique,
    indnullsnotdistinct, indisprimary, indisexclusion, indimmediate, indisclustered, indisvalid, indcheckxmin,
    indisready, indislive, indisreplident, indkey, indcollation, indclass, indoption, indexprs, indpred,
    indexdef) AS
SELECT pg_catalog.lattice_oid('i', i.nspname, i.relname), pg_catalog.lattice_oid('r', i.nspname, i.tablename),
    CAST(CARDINALITY(i.keynums) AS SMALLINT), CAST(CARDINALITY(i.keynums) AS SMALLINT), i.isunique, FALSE,
    i.isprimary, FALSE, TRUE, FALSE, TRUE, FALSE, TRUE, TRUE, FALSE, i.keynums, CAST(NULL AS INT ARRAY),
    CAST(NULL AS INT ARRAY), i.options,
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    'CREATE ' || CASE WHEN i.isunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || i.relname || ' ON '
        || i.nspname || '.' || i.tablename || ' USING ' || i.amname || ' (' || i.keylist || ')'
FROM pg_catalog.lattice_indexes i
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_index (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_index", "indexrelid", "indrelid"
;

-- pg_indexes, pg_tables and pg_views (the proxy adds the owner, the session's role, to the last two).
CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_indexes (schemaname, tablename, indexname, tablespace, indexdef) AS
SELECT i.nspname, i.tablename, i.relname, CAST(NULL AS VARCHAR),
    'CREATE ' || CASE WHEN i.isunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || i.relname || ' ON '
        || i.nspname || '.' || i.tablename || ' USING ' || i.amname || ' (' || i.keylist || ')'
FROM pg_catalog.lattice_indexes i
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_indexes (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_indexes", "tablename"
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_tables (schemaname, tablename, tablespace, hasindexes, hasrules,
    hastriggers, rowsecurity) AS
SELECT r.nspname, r.relname, CAST(NULL AS VARCHAR),
    EXISTS (SELECT 1 FROM pg_catalog.lattice_indexes i WHERE i.nspname = r.nspname AND i.tablename = r.relname),
    FALSE,
    EXISTS (SELECT 1 FROM pg_catalog.lattice_constraints k WHERE k.contype = 'f'
        AND (k.nspname = r.nspname AND k.tablename = r.relname OR k.refschema = r.nspname AND k.reftable = r.relname)),
    FALSE
FROM pg_catalog.lattice_relations r WHERE r.relkind = 'r'
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_views (schemaname, viewname, definition) AS
SELECT table_schema, table_name, view_definition FROM information_schema.views
WHERE table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_constraint (oid, conname, connamespace, contype, condeferrable,
    condeferred, convalidated, conrelid, contypid, conindid, conparentid, confrelid, confupdtype, confdeltype,
    confmatchtype, conislocal, coninhcount, connoinherit, conkey, confkey, conpfeqop, conppeqop, conffeqop,
    confdelsetcols, conexclop, conbin, condef) AS
SELECT pg_catalog.lattice_oid('c', k.nspname, k.tablename || '.' || k.conname), k.conname,
    pg_catalog.lattice_namespace_oid(k.nspname), k.contype, FALSE, FALSE, TRUE,
    pg_catalog.lattice_oid('r', k.nspname, k.tablename), 0,
    CASE WHEN k.contype IN ('p', 'u') THEN pg_catalog.lattice_oid('i', k.nspname, k.conname)
         WHEN k.contype = 'f' THEN pg_catalog.lattice_oid('i', u.nspname, u.conname) ELSE 0 END,
    0, CASE WHEN k.contype = 'f' THEN pg_catalog.lattice_oid('r', u.nspname, u.tablename) ELSE 0 END,
    CASE rc.update_rule WHEN 'CASCADE' THEN 'c' WHEN 'SET NULL' THEN 'n' WHEN 'SET DEFAULT' THEN 'd'
        WHEN 'RESTRICT' THEN 'r' WHEN 'NO ACTION' THEN 'a' ELSE ' ' END,
    CASE rc.delete_rule WHEN 'CASCADE' THEN 'c' WHEN 'SET NULL' THEN 'n' WHEN 'SET DEFAULT' THEN 'd'
        WHEN 'RESTRICT' THEN 'r' WHEN 'NO ACTION' THEN 'a' ELSE ' ' END,
    CASE WHEN k.contype = 'f' THEN 's' ELSE ' ' END, TRUE, 0, FALSE,
    k.keynums, u.keynums, CAST(NULL AS INT ARRAY), CAST(NULL AS INT ARRAY), CAST(NULL AS INT ARRAY),
    CAST(NULL AS SMALLINT ARRAY), CAST(NULL AS INT ARRAY), k.check_clause,
    CASE k.contype
        WHEN 'p' THEN 'PRIMARY KEY (' || k.keylist || ')'
        WHEN 'u' THEN 'UNIQUE (' || k.keylist || ')'
        WHEN 'f' THEN 'FOREIGN KEY (' || k.keylist || ') REFERENCES '
            || CASE WHEN u.nspname = 'public' THEN '' ELSE u.nspname || '.' END || u.tablename
            || '(' || u.keylist || ')'
            || CASE rc.update_rule WHEN 'CASCADE' THEN ' ON UPDATE CASCADE' WHEN 'SET NULL' THEN ' ON UPDATE SET NULL'
                WHEN 'SET DEFAULT' THEN ' ON UPDATE SET DEFAULT' WHEN 'RESTRICT' THEN ' ON UPDATE RESTRICT' ELSE '' END
            || CASE rc.delete_rule WHEN 'CASCADE' THEN ' ON DELETE CASCADE' WHEN 'SET NULL' THEN ' ON DELETE SET NULL'
                WHEN 'SET DEFAULT' THEN ' ON DELETE SET DEFAULT' WHEN 'RESTRICT' THEN ' ON DELETE RESTRICT' ELSE '' END
        ELSE 'CHECK (' || REPLACE(k.check_clause, '"', '') || ')' END
FROM pg_catalog.lattice_constraints k
LEFT JOIN information_schema.referential_constraints rc
  ON rc.constraint_schema = k.nspname AND rc.constraint_name = k.h2name
LEFT JOIN pg_catalog.lattice_constraints u
  ON u.nspname = rc.unique_constraint_schema AND u.h2name = rc.unique_constraint_name
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_constraint (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_constraint", "oid", "conrelid", "confrelid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_description (objoid, classoid, objsubid, description) AS
SELECT pg_catalog.lattice_oid('r', table_schema, table_name), 1259, 0, remarks FROM information_schema.tables
WHERE remarks IS NOT NULL AND remarks <> '' AND table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
UNION ALL
SELECT pg_catalog.lattice_oid('r', table_schema, table_name), 1259, ordinal_position, remarks
FROM information_schema.columns
WHERE remarks IS NOT NULL AND remarks <> '' AND table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
UNION ALL
SELECT pg_catalog.lattice_namespace_oid(schema_name), 2615, 0, remarks FROM information_schema.schemata
WHERE remarks IS NOT NULL AND remarks <> '' AND schema_name IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_description (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_description", "objoid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_sequence (seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin,
    seqcache, seqcycle) AS
SELECT pg_catalog.lattice_oid('S', sequence_schema, sequence_name), 20, CAST(start_value AS BIGINT),
    CAST(increment AS BIGINT), CAST(maximum_value AS BIGINT), CAST(minimum_value AS BIGINT), CAST(1 AS BIGINT),
    cycle_option = 'YES'
FROM information_schema.sequences WHERE sequence_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
UNION ALL
SELECT pg_catalog.lattice_oid('S', table_schema, table_name || '_' || column_name || '_seq'),
    pg_catalog.lattice_type_oid(data_type, CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR)),
    CAST(identity_start AS BIGINT), CAST(identity_increment AS BIGINT), CAST(identity_maximum AS BIGINT),
    CAST(identity_minimum AS BIGINT), CAST(1 AS BIGINT), identity_cycle = 'YES'
FROM information_schema.columns
WHERE is_identity = 'YES' AND table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_sequence (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_sequence", "seqrelid"
;

-- An identity column's sequence belongs to its column ('a'), as serial's does in PostgreSQL.
CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid,
    deptype) AS
SELECT 1259, pg_catalog.lattice_oid('S', table_schema, table_name || '_' || column_name || '_seq'), 0, 1259,
    pg_catalog.lattice_oid('r', table_schema, table_name), ordinal_position, 'a'
FROM information_schema.columns
WHERE is_identity = 'YES' AND table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_depend (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_depend", "objid", "refobjid"
;

CREATE OR REPLACE VIEW pg_catalog.lattice_pg_am (oid, amname, amhandler, amtype) AS
SELECT * FROM (VALUES (2, 'heap', 'heap_tableam_handler', 't'), (403, 'btree', 'bthandler', 'i'),
    (405, 'hash', 'hashhandler', 'i')) v
;

CREATE OR REPLACE VIEW pg_catalog.lattice_pg_database (oid, datname, datdba, encoding, datlocprovider,
    datistemplate, datallowconn, datconnlimit, dattablespace, datcollate, datctype, daticulocale,
    datcollversion, datacl) AS
SELECT 16384, 'lattice', 10, 6, 'c', FALSE, TRUE, -1, 1663, 'C', 'C', CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    CAST(NULL AS VARCHAR ARRAY)
;

CREATE OR REPLACE VIEW pg_catalog.lattice_pg_tablespace (oid, spcname, spcowner, spcacl, spcoptions) AS
SELECT * FROM (VALUES (1663, 'pg_default', 10, CAST(NULL AS VARCHAR ARRAY), CAST(NULL AS VARCHAR ARRAY)),
    (1664, 'pg_global', 10, CAST(NULL AS VARCHAR ARRAY), CAST(NULL AS VARCHAR ARRAY))) v
;

CREATE OR REPLACE VIEW pg_catalog.lattice_src_pg_type (oid, typname, typnamespace, typowner, typlen, typbyval, typtype,
    typcategory, typispreferred, typisdefined, typdelim, typrelid, typelem, typarray, typinput, typoutput,
    typreceive, typsend, typnotnull, typbasetype, typtypmod, typndims, typcollation, typdefault) AS
SELECT v.oid, v.typname, 11, 10, CAST(v.typlen AS SMALLINT), v.typlen > 0, 'b', v.typcategory, FALSE, TRUE, ',', 0,
    v.typelem, v.typarray,
    CASE WHEN v.typelem <> 0 THEN 'pg_catalog.array_in' ELSE 'pg_catalog.' || v.typname || 'in' END,
    CASE WHEN v.typelem <> 0 THEN 'pg_catalog.array_out' ELSE 'pg_catalog.' || v.typname || 'out' END,
    CASE WHEN v.typelem <> 0 THEN 'pg_catalog.array_recv' ELSE 'pg_catalog.' || v.typname || 'recv' END,
    CASE WHEN v.typelem <> 0 THEN 'pg_catalog.array_send' ELSE 'pg_catalog.' || v.typname || 'send' END,
    FALSE, 0, -1, CASE WHEN v.typelem <> 0 THEN 1 ELSE 0 END, 0, CAST(NULL AS VARCHAR)
FROM (VALUES
    (16, 'bool', 1, 'B', 0, 1000), (17, 'bytea', -1, 'U', 0, 1001), (18, 'char', 1, 'S', 0, 1002),
    (19, 'name', 64, 'S', 0, 1003), (20, 'int8', 8, 'N', 0, 1016), (21, 'int2', 2, 'N', 0, 1005),
    (23, 'int4', 4, 'N', 0, 1007), (25, 'text', -1, 'S', 0, 1009), (26, 'oid', 4, 'N', 0, 1028),
    (114, 'json', -1, 'U', 0, 199), (700, 'float4', 4, 'N', 0, 1021), (701, 'float8', 8, 'N', 0, 1022),
    (1042, 'bpchar', -1, 'S', 0, 1014), (1043, 'varchar', -1, 'S', 0, 1015), (1082, 'date', 4, 'D', 0, 1182),
    (1083, 'time', 8, 'D', 0, 1183), (1114, 'timestamp', 8, 'D', 0, 1115), (1184, 'timestamptz', 8, 'D', 0, 1185),
    (1186, 'interval', 16, 'T', 0, 1187), (1266, 'timetz', 12, 'D', 0, 1270), (1700, 'numeric', -1, 'N', 0, 1231),
    (2950, 'uuid', 16, 'U', 0, 2951), (3802, 'jsonb', -1, 'U', 0, 3807), (705, 'unknown', -2, 'X', 0, 0),
    (1000, '_bool', -1, 'A', 16, 0), (1001, '_bytea', -1, 'A', 17, 0), (1005, '_int2', -1, 'A', 21, 0),
    (1007, '_int4', -1, 'A', 23, 0), (1009, '_text', -1, 'A', 25, 0), (1014, '_bpchar', -1, 'A', 1042, 0),
    (1015, '_varchar', -1, 'A', 1043, 0), (1016, '_int8', -1, 'A', 20, 0), (1021, '_float4', -1, 'A', 700, 0),
    (1022, '_float8', -1, 'A', 701, 0), (1028, '_oid', -1, 'A', 26, 0), (1115, '_timestamp', -1, 'A', 1114, 0),
    (1182, '_date', -1, 'A', 1082, 0), (1185, '_timestamptz', -1, 'A', 1184, 0), (1231, '_numeric', -1, 'A', 1700, 0),
    (2951, '_uuid', -1, 'A', 2950, 0), (199, '_json', -1, 'A', 114, 0), (3807, '_jsonb', -1, 'A', 3802, 0))
    v (oid, typname, typlen, typcategory, typelem, typarray)
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_pg_type (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_pg_type", "oid", "typname"
;

-- information_schema.columns as PostgreSQL fills it (its type names, serial's default), for the user's tables.
CREATE OR REPLACE VIEW pg_catalog.lattice_src_information_schema_columns (table_catalog, table_schema, table_name,
    column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length,
    character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision,
    interval_type, interval_precision, character_set_catalog, character_set_schema, character_set_name,
    collation_catalog, collation_schema, collation_name, domain_catalog, domain_schema, domain_name, udt_catalog,
    udt_schema, udt_name, scope_catalog, scope_schema, scope_name, maximum_cardinality, dtd_identifier,
    is_self_referencing, is_identity, identity_generation, identity_start, identity_increment, identity_maximum,
    identity_minimum, identity_cycle, is_generated, generation_expression, is_updatable) AS
SELECT 'lattice', c.table_schema, c.table_name, c.column_name, c.ordinal_position,
    CASE WHEN c.is_identity = 'YES'
              THEN 'nextval(''' || c.table_name || '_' || c.column_name || '_seq''::regclass)'
         WHEN c.is_generated = 'ALWAYS' THEN CAST(NULL AS VARCHAR)
         WHEN UPPER(c.column_default) IN ('LOCALTIMESTAMP', 'CURRENT_TIMESTAMP', 'NOW()') THEN 'now()'
         ELSE c.column_default END,
    c.is_nullable,
    CASE WHEN t.typelem <> 0 THEN 'ARRAY' ELSE pg_catalog.lattice_format_type(c.oid, -1) END,
    CASE WHEN c.oid IN (1042, 1043) THEN CAST(c.character_maximum_length AS INT) END,
    CASE WHEN c.oid IN (1042, 1043) THEN CAST(c.character_maximum_length * 4 AS INT)
         WHEN c.oid = 25 THEN 1073741824 END,
    CASE WHEN c.oid IN (20, 21, 23, 700, 701, 1700) THEN c.numeric_precision END,
    CASE WHEN c.oid IN (20, 21, 23, 700, 701) THEN 2 WHEN c.oid = 1700 THEN 10 END,
    CASE WHEN c.oid IN (20, 21, 23) THEN 0 WHEN c.oid = 1700 THEN c.numeric_scale END,
    CASE WHEN c.oid IN (1082, 1083, 1114, 1184, 1266, 1186) THEN COALESCE(c.datetime_precision, 0) END,
    CAST(NULL AS VARCHAR), CAST(NULL AS INT), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), 'lattice', 'pg_catalog', t.typname, CAST(NULL AS VARCHAR),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS INT), CAST(c.ordinal_position AS VARCHAR), 'NO',
    'NO', CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    CAST(NULL AS VARCHAR), 'NO', c.is_generated, c.generation_expression, 'YES'
FROM (SELECT c.*, pg_catalog.lattice_type_oid(c.data_type, c.character_maximum_length,
            CASE WHEN UPPER(c.data_type) = 'ARRAY' THEN (SELECT e.data_type FROM information_schema.element_types e
             WHERE e.object_schema = c.table_schema AND e.object_name = c.table_name
             AND e.collection_type_identifier = c.dtd_identifier) END) AS oid
      FROM information_schema.columns c
      WHERE c.table_schema IN (SELECT nspname FROM pg_catalog.lattice_user_schemas)) c
LEFT JOIN pg_catalog.lattice_pg_type t ON t.oid = c.oid
;
CREATE TABLE IF NOT EXISTS pg_catalog.lattice_information_schema_columns (x INT) ENGINE "dev.lattice.proxy.catalog.CatalogTableEngine" WITH "lattice_src_information_schema_columns", "table_name"
;

-- What H2 does not have: no row ever (the proxy answers a query that needs one of them with none).
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_collation (oid, collname, collnamespace, collowner, collprovider,
    collisdeterministic, collencoding, collcollate, collctype) AS
SELECT 0, '', 11, 10, 'c', TRUE, -1, '', '' WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_inherits (inhrelid, inhparent, inhseqno, inhdetachpending) AS
SELECT 0, 0, 0, FALSE WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_auth_members (roleid, member, grantor, admin_option) AS
SELECT 0, 0, 0, FALSE WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_trigger (oid, tgrelid, tgparentid, tgname, tgfoid, tgtype, tgenabled,
    tgisinternal, tgconstrrelid, tgconstrindid, tgconstraint, tgdeferrable, tginitdeferred, tgnargs) AS
SELECT 0, 0, 0, '', 0, 0, 'O', FALSE, 0, 0, 0, FALSE, FALSE, 0 WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_policy (oid, polname, polrelid, polcmd, polpermissive, polroles,
    polqual, polwithcheck) AS
SELECT 0, '', 0, '*', TRUE, CAST(NULL AS INT ARRAY), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR) WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_statistic_ext (oid, stxrelid, stxname, stxnamespace, stxowner,
    stxstattarget, stxkeys, stxkind) AS
SELECT 0, 0, '', 0, 0, -1, CAST(NULL AS SMALLINT ARRAY), CAST(NULL AS VARCHAR ARRAY) WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_publication (oid, pubname, pubowner, puballtables, pubinsert,
    pubupdate, pubdelete, pubtruncate, pubviaroot) AS
SELECT 0, '', 0, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_publication_rel (oid, prpubid, prrelid, prqual, prattrs) AS
SELECT 0, 0, 0, CAST(NULL AS VARCHAR), CAST(NULL AS SMALLINT ARRAY) WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_publication_namespace (oid, pnpubid, pnnspid) AS
SELECT 0, 0, 0 WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_rewrite (oid, rulename, ev_class, ev_type, ev_enabled, is_instead) AS
SELECT 0, '', 0, '', '', FALSE WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_partitioned_table (partrelid, partstrat, partnatts, partdefid) AS
SELECT 0, '', 0, 0 WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_foreign_table (ftrelid, ftserver) AS
SELECT 0, 0 WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_enum (oid, enumtypid, enumsortorder, enumlabel) AS
SELECT 0, 0, CAST(0 AS REAL), '' WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_range (rngtypid, rngsubtype, rngmultitypid) AS
SELECT 0, 0, 0 WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_extension (oid, extname, extowner, extnamespace, extrelocatable,
    extversion) AS
SELECT 0, '', 0, 0, FALSE, '' WHERE FALSE
;
CREATE OR REPLACE VIEW pg_catalog.lattice_pg_proc (oid, proname, pronamespace, proowner, prolang, prokind,
    prorettype, pronargs, proargtypes) AS
SELECT 0, '', 0, 0, 0, 'f', 0, 0, CAST(NULL AS INT ARRAY) WHERE FALSE
;
