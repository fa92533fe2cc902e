# What PostgreSQL clients send through the proxy: pgjdbc 42.7 on connect and for
# Connection.setAutoCommit/setReadOnly/setTransactionIsolation/setSavepoint, its type lookups
# (TypeInfoCache, with $1 markers as sent in the extended protocol), and psql 16's \dt, \d NAME
# and \l catalog queries (sent with their trailing ";").
#
# Format: entries are separated by a line holding only ";;". An entry's first line is
# "@ KIND", optionally followed by "tables=A,B" (all tables the analysis must report, as
# TableName.toString() prints them; "tables=" means none) and "writes=A,B" (the written ones).
# The statement text follows and is analyzed exactly as written.
@ SESSION_SETTING tables=
SET extra_float_digits = 3
;;
@ SESSION_SETTING tables=
SET application_name = 'PostgreSQL JDBC Driver'
;;
@ SESSION_SETTING tables=
SET DateStyle = 'ISO'
;;
@ SESSION_SETTING tables=
SET search_path TO public
;;
@ SESSION_SETTING tables=
SET TIME ZONE 'UTC'
;;
@ TRANSACTION_CONTROL tables=
BEGIN
;;
@ TRANSACTION_CONTROL tables=
BEGIN READ ONLY
;;
@ TRANSACTION_CONTROL tables=
COMMIT
;;
@ TRANSACTION_CONTROL tables=
ROLLBACK
;;
@ TRANSACTION_CONTROL tables=
SAVEPOINT PGJDBC_AUTOSAVE
;;
@ TRANSACTION_CONTROL tables=
RELEASE SAVEPOINT PGJDBC_AUTOSAVE
;;
@ TRANSACTION_CONTROL tables=
ROLLBACK TO SAVEPOINT PGJDBC_AUTOSAVE
;;
@ TRANSACTION_CONTROL tables=
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE
;;
@ TRANSACTION_CONTROL tables=
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY
;;
@ OTHER tables=
SHOW TRANSACTION ISOLATION LEVEL
;;
@ OTHER tables=
select current_schema()
;;
@ OTHER tables=PG_CATALOG.PG_TYPE,PG_NAMESPACE writes=PG_CATALOG.PG_TYPE,PG_NAMESPACE
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC
;;
@ QUERY tables=PG_CATALOG.PG_TYPE,PG_CATALOG.PG_NAMESPACE writes=
SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1
;;
@ OTHER tables=PG_CATALOG.PG_CLASS,PG_CATALOG.PG_NAMESPACE,PG_CATALOG.PG_AM writes=PG_CATALOG.PG_CLASS,PG_CATALOG.PG_NAMESPACE,PG_CATALOG.PG_AM
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;
;;
@ OTHER tables=PG_CATALOG.PG_CLASS,PG_CATALOG.PG_NAMESPACE writes=PG_CATALOG.PG_CLASS,PG_CATALOG.PG_NAMESPACE
SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(accounts)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;
;;
@ QUERY tables=PG_CATALOG.PG_DATABASE writes=
SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype"
FROM pg_catalog.pg_database d
ORDER BY 1;
;;
@ QUERY tables=INFORMATION_SCHEMA.TABLES writes=
SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'
