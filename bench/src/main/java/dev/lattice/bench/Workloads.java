package dev.lattice.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The standard workloads. Keys are uniform over the loaded rows (YCSB's default is zipfian; uniform
 * keeps row-lock contention out of the comparison). Every statement is a PreparedStatement, but in
 * text-select: point reads through a plain Statement, the key written into each text.
 */
public final class Workloads {

    static final String SELECT = "SELECT field0, field1 FROM usertable WHERE ycsb_key = ?";
    static final String UPDATE = "UPDATE usertable SET field1 = ? WHERE ycsb_key = ?";
    static final String BALANCE = "SELECT balance FROM account WHERE id = ?";
    static final String MOVE = "UPDATE account SET balance = balance + ? WHERE id = ?";
    static final String INSERT = "INSERT INTO ledger_entry(account_id, amount, memo) VALUES (?, ?, ?)";

    private static final Map<String, Workload> STANDARD = new LinkedHashMap<>();

    static {
        add(new Simple("point-select", false, 100));
        add(new TextSelect());
        add(new Simple("point-update", true, 0));
        add(new Simple("mix-95/5", true, 95));
        add(new Simple("mix-50/50", true, 50));
        add(new Transfer());
        add(new InsertStream());
    }

    private Workloads() {
    }

    private static void add(Workload w) {
        STANDARD.put(w.name(), w);
    }

    public static List<String> names() {
        return List.copyOf(STANDARD.keySet());
    }

    public static Workload get(String name) {
        Workload w = STANDARD.get(name);
        if (w == null) {
            throw new IllegalArgumentException("Unknown workload '" + name + "'; known: " + names());
        }
        return w;
    }

    public static List<Workload> get(List<String> names) {
        List<Workload> out = new ArrayList<>();
        for (String n : names) {
            out.add(get(n));
        }
        return out;
    }

    /** Point reads and point updates of usertable by primary key, in a given proportion. */
    static final class Simple implements Workload {
        private final String name;
        private final boolean writes;
        private final int readPercent;

        Simple(String name, boolean writes, int readPercent) {
            this.name = name;
            this.writes = writes;
            this.readPercent = readPercent;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean writes() {
            return writes;
        }

        @Override
        public Client client(Connection c, SplittableRandom random, int rows) throws SQLException {
            PreparedStatement select = readPercent > 0 ? c.prepareStatement(SELECT) : null;
            PreparedStatement update = readPercent < 100 ? c.prepareStatement(UPDATE) : null;
            return new Client() {
                @Override
                public void run() throws SQLException {
                    int key = random.nextInt(rows);
                    if (readPercent == 100 || readPercent > 0 && random.nextInt(100) < readPercent) {
                        select.setInt(1, key);
                        readRow(select.executeQuery(), key);
                    } else {
                        update.setLong(1, random.nextLong());
                        update.setInt(2, key);
                        update.executeUpdate();
                    }
                }

                @Override
                public void close() throws SQLException {
                    closeAll(c, select, update);
                }
            };
        }
    }

    /** Point reads by primary key through a plain Statement, the key as a literal in each text (as ORMs' inlined queries do). */
    static final class TextSelect implements Workload {
        private static final String PREFIX = SELECT.substring(0, SELECT.length() - 1);

        @Override
        public String name() {
            return "text-select";
        }

        @Override
        public boolean writes() {
            return false;
        }

        @Override
        public Client client(Connection c, SplittableRandom random, int rows) throws SQLException {
            Statement statement = c.createStatement();
            return new Client() {
                @Override
                public void run() throws SQLException {
                    int key = random.nextInt(rows);
                    readRow(statement.executeQuery(PREFIX + key), key);
                }

                @Override
                public void close() throws SQLException {
                    closeAll(c, statement);
                }
            };
        }
    }

    /** The short bank transfer: read two balances, update both (in key order), commit. */
    static final class Transfer implements Workload {
        @Override
        public String name() {
            return "transfer";
        }

        @Override
        public boolean writes() {
            return true;
        }

        @Override
        public Client client(Connection c, SplittableRandom random, int rows) throws SQLException {
            c.setAutoCommit(false);
            PreparedStatement balance = c.prepareStatement(BALANCE);
            PreparedStatement move = c.prepareStatement(MOVE);
            return new Client() {
                @Override
                public void run() throws SQLException {
                    int from = random.nextInt(rows);
                    int to = random.nextInt(rows - 1);
                    if (to >= from) {
                        to++;
                    }
                    long amount = 1 + random.nextInt(100);
                    try {
                        long available = read(from);
                        read(to);
                        // Updates in key order, so two transfers never wait for each other in a cycle.
                        long debit = Math.min(amount, available);
                        apply(Math.min(from, to), from < to ? -debit : debit);
                        apply(Math.max(from, to), from < to ? debit : -debit);
                        c.commit();
                    } catch (SQLException e) {
                        c.rollback();
                        throw e;
                    }
                }

                private long read(int id) throws SQLException {
                    balance.setInt(1, id);
                    try (ResultSet rs = balance.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("account " + id + " not found");
                        }
                        return rs.getLong(1);
                    }
                }

                private void apply(int id, long delta) throws SQLException {
                    move.setLong(1, delta);
                    move.setInt(2, id);
                    move.executeUpdate();
                }

                @Override
                public void close() throws SQLException {
                    closeAll(c, balance, move);
                }
            };
        }
    }

    /** Single-row autocommit inserts into ledger_entry, which is emptied between windows. */
    static final class InsertStream implements Workload {
        @Override
        public String name() {
            return "insert";
        }

        @Override
        public boolean writes() {
            return true;
        }

        @Override
        public Client client(Connection c, SplittableRandom random, int rows) throws SQLException {
            PreparedStatement insert = c.prepareStatement(INSERT);
            return new Client() {
                @Override
                public void run() throws SQLException {
                    insert.setInt(1, random.nextInt(rows));
                    insert.setLong(2, random.nextInt(1000));
                    insert.setString(3, "deposit");
                    insert.executeUpdate();
                }

                @Override
                public void close() throws SQLException {
                    closeAll(c, insert);
                }
            };
        }

        @Override
        public void reset(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("TRUNCATE TABLE ledger_entry");
            }
        }
    }

    /** Reads a point select's one row of usertable, and closes its result. */
    static void readRow(ResultSet result, int key) throws SQLException {
        try (ResultSet rs = result) {
            if (!rs.next()) {
                throw new SQLException("row " + key + " not found");
            }
            rs.getString(1);
            rs.getLong(2);
        }
    }

    static void closeAll(Connection c, Statement... statements) throws SQLException {
        try {
            for (Statement s : statements) {
                if (s != null) {
                    s.close();
                }
            }
        } finally {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            c.close();
        }
    }
}
