# pgbench (PostgreSQL 16): the statements of "pgbench -i" (client-side and server-side data
# generation), the built-in TPC-B script ("tpcb-like") as sent with -M simple (variables
# substituted as literals, each line sent with its ";") and with -M extended/prepared (each
# :variable replaced by $1, $2, ... in order of appearance), the select-only script, and the
# statements pgbench sends before a run.
#
# Format: entries are separated by a line holding only ";;". An entry's first line is
# "@ KIND", optionally followed by "tables=A,B" (all tables the analysis must report, as
# TableName.toString() prints them; "tables=" means none) and "writes=A,B" (the written ones).
# The statement text follows and is analyzed exactly as written.
@ DDL tables=PGBENCH_ACCOUNTS,PGBENCH_BRANCHES,PGBENCH_HISTORY,PGBENCH_TELLERS writes=PGBENCH_ACCOUNTS,PGBENCH_BRANCHES,PGBENCH_HISTORY,PGBENCH_TELLERS
drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers
;;
@ DDL tables=PGBENCH_HISTORY writes=PGBENCH_HISTORY
create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))
;;
@ DDL tables=PGBENCH_TELLERS writes=PGBENCH_TELLERS
create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)
;;
@ DDL tables=PGBENCH_ACCOUNTS writes=PGBENCH_ACCOUNTS
create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)
;;
@ DDL tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)
;;
@ TRANSACTION_CONTROL tables=
begin
;;
@ DDL tables=PGBENCH_ACCOUNTS,PGBENCH_BRANCHES,PGBENCH_HISTORY,PGBENCH_TELLERS writes=PGBENCH_ACCOUNTS,PGBENCH_BRANCHES,PGBENCH_HISTORY,PGBENCH_TELLERS
truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers
;;
@ DML tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
insert into pgbench_branches(bid,bbalance) values(1,0)
;;
@ DML tables=PGBENCH_TELLERS writes=PGBENCH_TELLERS
insert into pgbench_tellers(tid,bid,tbalance) values (1,1,0)
;;
@ OTHER tables=PGBENCH_ACCOUNTS writes=PGBENCH_ACCOUNTS
copy pgbench_accounts from stdin with (freeze on)
;;
@ DML tables=PGBENCH_ACCOUNTS writes=PGBENCH_ACCOUNTS
insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, 100000) as aid
;;
@ TRANSACTION_CONTROL tables=
commit
;;
@ OTHER tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
vacuum analyze pgbench_branches
;;
@ DDL tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
alter table pgbench_branches add primary key (bid)
;;
@ DDL tables=PGBENCH_ACCOUNTS writes=PGBENCH_ACCOUNTS
alter table pgbench_accounts add primary key (aid)
;;
@ DDL tables=PGBENCH_TELLERS,PGBENCH_BRANCHES writes=PGBENCH_TELLERS
alter table pgbench_tellers add foreign key (bid) references pgbench_branches
;;
@ QUERY tables=PGBENCH_BRANCHES writes=
select count(*) from pgbench_branches
;;
@ OTHER tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
vacuum pgbench_branches
;;
@ DDL tables=PGBENCH_HISTORY writes=PGBENCH_HISTORY
truncate pgbench_history
;;
@ TRANSACTION_CONTROL tables=
BEGIN;
;;
@ DML tables=PGBENCH_ACCOUNTS writes=PGBENCH_ACCOUNTS
UPDATE pgbench_accounts SET abalance = abalance + -2417 WHERE aid = 73645;
;;
@ QUERY tables=PGBENCH_ACCOUNTS writes=
SELECT abalance FROM pgbench_accounts WHERE aid = 73645;
;;
@ DML tables=PGBENCH_TELLERS writes=PGBENCH_TELLERS
UPDATE pgbench_tellers SET tbalance = tbalance + -2417 WHERE tid = 7;
;;
@ DML tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
UPDATE pgbench_branches SET bbalance = bbalance + -2417 WHERE bid = 1;
;;
@ DML tables=PGBENCH_HISTORY writes=PGBENCH_HISTORY
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (7, 1, 73645, -2417, CURRENT_TIMESTAMP);
;;
@ TRANSACTION_CONTROL tables=
END;
;;
@ DML tables=PGBENCH_ACCOUNTS writes=PGBENCH_ACCOUNTS
UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;
;;
@ QUERY tables=PGBENCH_ACCOUNTS writes=
SELECT abalance FROM pgbench_accounts WHERE aid = $1;
;;
@ DML tables=PGBENCH_TELLERS writes=PGBENCH_TELLERS
UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;
;;
@ DML tables=PGBENCH_BRANCHES writes=PGBENCH_BRANCHES
UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;
;;
@ DML tables=PGBENCH_HISTORY writes=PGBENCH_HISTORY
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);
;;
@ QUERY tables=PGBENCH_ACCOUNTS writes=
SELECT abalance FROM pgbench_accounts WHERE aid = 41234;
;;
@ OTHER tables=PGBENCH_ACCOUNTS,PGBENCH_HISTORY writes=PGBENCH_ACCOUNTS,PGBENCH_HISTORY
BEGIN; UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 1; INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, 1, 1, CURRENT_TIMESTAMP); END;
