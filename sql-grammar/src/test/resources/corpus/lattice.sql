# Lattice's own statements (SPEC.md §3) and the transaction statements it parses itself, as a
# user types them in psql or sends them through JDBC.
#
# Format: entries are separated by a line holding only ";;". An entry's first line is
# "@ KIND", optionally followed by "tables=A,B" (all tables the analysis must report, as
# TableName.toString() prints them; "tables=" means none) and "writes=A,B" (the written ones).
# The statement text follows and is analyzed exactly as written.
@ LATTICE_SESSION tables=
SET CONSISTENCY CAUSAL
;;
@ LATTICE_SESSION tables=
set consistency read your writes
;;
@ LATTICE_SESSION tables=
SET CONSISTENCY BOUNDED_STALENESS 500 MS
;;
@ LATTICE_SESSION tables=
SET CONSISTENCY QUORUM WRITE 2 READ 2
;;
@ LATTICE_SESSION tables=
SET CONSISTENCY TIMEOUT 250
;;
@ LATTICE_SESSION tables=
SET CONSISTENCY FALLBACK ERROR
;;
@ LATTICE_SESSION tables=
SET CONSISTENCY TOKEN 'lattice:demo:42'
;;
@ LATTICE_SESSION tables=
SET consistency = 'causal'
;;
@ LATTICE_SESSION tables=
SET consistency TO eventual;
;;
@ LATTICE_SESSION tables=
SHOW CONSISTENCY
;;
@ LATTICE_ADMIN tables=
SHOW REPLICAS
;;
@ LATTICE_ADMIN tables=
SHOW STATS
;;
@ LATTICE_ADMIN tables=
SHOW LOCKS
;;
@ LATTICE_ADMIN tables=
ALTER REPLICA replica1 SET DELAY 200
;;
@ LATTICE_ADMIN tables=
ALTER REPLICA replica2 PAUSE
;;
@ TRANSACTION_CONTROL tables=
START TRANSACTION READ ONLY
;;
@ TRANSACTION_CONTROL tables=
BEGIN ISOLATION LEVEL SERIALIZABLE
;;
@ TRANSACTION_CONTROL tables=
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE
