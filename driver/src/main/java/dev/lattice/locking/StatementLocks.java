package dev.lattice.locking;

import dev.lattice.replication.TableId;
import dev.lattice.sql.analysis.KeyPredicate;
import dev.lattice.sql.analysis.KeyValue;
import dev.lattice.sql.analysis.StatementAnalysis;
import dev.lattice.sql.analysis.StatementKind;
import dev.lattice.sql.analysis.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Which locks a statement takes (SPEC §4): row locks where the analysis shows it touches rows by
 * primary-key equality (WHERE id = ?, id IN (...), an INSERT's keys), table locks otherwise, and
 * every table for a statement Lattice could not read. Writes lock X; reads of a SERIALIZABLE
 * transaction lock S; a row lock takes the matching intention lock on its table first.
 */
public final class StatementLocks {

    private StatementLocks() {
    }

    /**
     * The locks, in the order they must be taken (tables before their rows).
     *
     * @param parameters the bound value of parameter n, or null when not bound or not known
     */
    public static Map<LockTarget, LockMode> plan(StatementAnalysis analysis, boolean serializable, String schema,
                                                 Connection primary, long schemaVersion, PrimaryKeys keys,
                                                 IntFunction<Object> parameters) throws SQLException {
        Map<LockTarget, LockMode> plan = new LinkedHashMap<>();
        StatementKind kind = analysis.kind();
        boolean write = analysis.isWrite() || analysis.forUpdate();
        if (kind == StatementKind.DDL || kind == StatementKind.OTHER) {
            for (TableName t : analysis.tables()) {
                add(plan, LockTarget.table(id(t, schema)), LockMode.X);
            }
            if (analysis.mayTouchAnything()) {
                for (TableId t : keys.allTables(primary, schemaVersion)) {
                    add(plan, LockTarget.table(t), LockMode.X);
                }
            }
            return plan;
        }
        Set<TableName> written = analysis.writtenTables();
        for (TableName t : written) {
            lockTable(plan, analysis, t, LockMode.X, schema, primary, schemaVersion, keys, parameters);
        }
        if (serializable || (analysis.forUpdate() && write)) {
            LockMode readMode = analysis.forUpdate() ? LockMode.X : LockMode.S;
            for (TableName t : analysis.readTables()) {
                if (!written.contains(t)) {
                    lockTable(plan, analysis, t, readMode, schema, primary, schemaVersion, keys, parameters);
                }
            }
        }
        return plan;
    }

    private static void lockTable(Map<LockTarget, LockMode> plan, StatementAnalysis analysis, TableName name,
                                  LockMode mode, String schema, Connection primary, long schemaVersion,
                                  PrimaryKeys keys, IntFunction<Object> parameters) throws SQLException {
        TableId table = id(name, schema);
        List<List<Object>> rows = rowKeys(analysis, name, table, primary, schemaVersion, keys, parameters);
        if (rows == null) {
            add(plan, LockTarget.table(table), mode);
            return;
        }
        add(plan, LockTarget.table(table), mode.intention());
        for (List<Object> key : rows) {
            add(plan, LockTarget.row(table, key), mode);
        }
    }

    /** The keys of the rows the statement touches in this table, or null when it may touch others. */
    private static List<List<Object>> rowKeys(StatementAnalysis analysis, TableName name, TableId table,
                                              Connection primary, long schemaVersion, PrimaryKeys keys,
                                              IntFunction<Object> parameters) throws SQLException {
        List<KeyPredicate> predicates = analysis.keyPredicates(name);
        if (predicates.isEmpty()) {
            return null;
        }
        List<PrimaryKeys.Column> columns = keys.of(primary, table, schemaVersion);
        if (columns.isEmpty()) {
            return null;
        }
        List<List<Object>> perColumn = new ArrayList<>();
        for (PrimaryKeys.Column column : columns) {
            KeyPredicate p = find(predicates, column.name());
            if (p == null) {
                return null;
            }
            List<Object> values = new ArrayList<>();
            for (KeyValue v : p.values()) {
                Object raw = v instanceof KeyValue.Parameter param
                        ? (parameters == null ? null : parameters.apply(param.number()))
                        : ((KeyValue.Literal) v).value();
                Object canonical = PrimaryKeys.canonical(raw, column.type());
                if (canonical == null) {
                    return null;
                }
                values.add(canonical);
            }
            perColumn.add(values);
        }
        int n = perColumn.get(0).size();
        // Several values per column of a composite key pair up row by row only in an INSERT;
        // in a WHERE they would combine every way, which row locks cannot follow.
        boolean insert = analysis.sql().stripLeading().regionMatches(true, 0, "INSERT", 0, 6);
        if (perColumn.size() > 1) {
            for (List<Object> values : perColumn) {
                if (values.size() != n || (n > 1 && !insert)) {
                    return null;
                }
            }
        }
        List<List<Object>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Object> key = new ArrayList<>(perColumn.size());
            for (List<Object> values : perColumn) {
                key.add(values.get(i));
            }
            rows.add(key);
        }
        return rows;
    }

    private static KeyPredicate find(List<KeyPredicate> predicates, String column) {
        for (KeyPredicate p : predicates) {
            if (p.column().equals(column)) {
                return p;
            }
        }
        // H2 with DATABASE_TO_LOWER names the column in lower case, the analysis in upper case.
        for (KeyPredicate p : predicates) {
            if (p.column().equalsIgnoreCase(column)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The table as locks name it: upper-cased, because the analysis upper-cases unquoted names while
     * H2 may fold them to lower case (DATABASE_TO_LOWER); two tables whose names differ only in case
     * then share their locks, which costs concurrency, never a conflict.
     */
    static TableId id(TableName name, String schema) {
        return PrimaryKeys.lockId(name.schema().orElse(schema), name.name());
    }

    private static void add(Map<LockTarget, LockMode> plan, LockTarget target, LockMode mode) {
        plan.merge(target, mode, LockMode::join);
    }
}
