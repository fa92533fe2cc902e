package dev.lattice.examples;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.List;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jOOQ 3.19 with SQLDialect.H2 on jdbc:lattice: through a HikariCP pool. */
class JooqOnLatticeTest {

    // Typed references written by hand (jOOQ's code generator would produce the same from the schema).
    static final Table<Record> CUSTOMER = table(name("CUSTOMER"));
    static final Field<Integer> ID = field(name("CUSTOMER", "ID"), SQLDataType.INTEGER);
    static final Field<String> NAME = field(name("CUSTOMER", "NAME"), SQLDataType.VARCHAR(100));
    static final Field<String> CITY = field(name("CUSTOMER", "CITY"), SQLDataType.VARCHAR(50));

    static HikariDataSource pool;
    static DSLContext db;

    @BeforeAll
    static void start() {
        HikariConfig config = new HikariConfig();
        // jOOQ takes a pooled connection per statement: sessionScope=shared makes a read on one of
        // them see what a write on another did (CAUSAL across the pool).
        config.setJdbcUrl("jdbc:lattice:mem:jooq?replicas=2&sessionScope=shared&consistencyTimeout=10000");
        config.setMaximumPoolSize(4);
        pool = new HikariDataSource(config);
        db = DSL.using(pool, SQLDialect.H2);
        db.createTable(CUSTOMER)
                .column(ID.getUnqualifiedName(), SQLDataType.INTEGER.notNull())
                .column(NAME.getUnqualifiedName(), SQLDataType.VARCHAR(100))
                .column(CITY.getUnqualifiedName(), SQLDataType.VARCHAR(50))
                .constraint(DSL.primaryKey(ID.getUnqualifiedName()))
                .execute();
    }

    @AfterAll
    static void stop() throws Exception {
        try (Connection c = pool.getConnection()) {
            Replicas.shutdown(c);
        } finally {
            pool.close();
        }
    }

    @Test
    void batchInsertThenTypedQueriesServedByReplicas() throws Exception {
        BatchBindStep batch = db.batch(db.insertInto(CUSTOMER, ID, NAME, CITY).values((Integer) null, null, null));
        String[] cities = {"Lisbon", "Oslo", "Kyoto"};
        for (int i = 1; i <= 30; i++) {
            batch.bind(i, "customer " + i, cities[i % 3]);
        }
        int[] counts = batch.execute();
        assertEquals(30, counts.length);

        try (Connection stats = pool.getConnection()) {
            ServedBy served = ServedBy.watch(stats, "CAUSAL");
            Result<Record2<String, Integer>> perCity = db.select(CITY, count())
                    .from(CUSTOMER).where(ID.le(30)).groupBy(CITY).orderBy(CITY).fetch();
            assertEquals(List.of("Kyoto", "Lisbon", "Oslo"), perCity.getValues(CITY));
            assertEquals(List.of(10, 10, 10), perCity.getValues(count()));
            String name = db.select(NAME).from(CUSTOMER).where(ID.eq(7)).fetchOne(NAME);
            assertEquals("customer 7", name);
            ServedBy.Reads reads = served.next();
            assertEquals(2, reads.replica(), "autocommit reads go to replicas: " + reads.describe());
            assertEquals(0, reads.primary(), reads.describe());
        }
        EveryNode.assertSameOnEveryNode(pool, "SELECT ID, NAME, CITY FROM CUSTOMER ORDER BY ID");
    }

    @Test
    void transactionsCommitRollBackAndNestWithSavepoints() {
        db.transaction(tx -> DSL.using(tx).insertInto(CUSTOMER, ID, NAME, CITY).values(100, "kept", "Oslo").execute());

        assertThrows(IllegalStateException.class, () -> db.transaction(tx -> {
            DSL.using(tx).insertInto(CUSTOMER, ID, NAME, CITY).values(101, "rolled back", "Oslo").execute();
            throw new IllegalStateException("the application changes its mind");
        }));

        db.transaction(outer -> {
            DSL.using(outer).insertInto(CUSTOMER, ID, NAME, CITY).values(102, "outer", "Kyoto").execute();
            try {
                DSL.using(outer).transaction(inner -> {
                    DSL.using(inner).insertInto(CUSTOMER, ID, NAME, CITY).values(103, "inner", "Kyoto").execute();
                    throw new IllegalStateException("roll back to the savepoint only");
                });
            } catch (IllegalStateException expected) {
                // the outer transaction goes on
            }
        });

        List<Integer> ids = db.select(ID).from(CUSTOMER).where(ID.ge(100)).orderBy(ID).fetch(ID);
        assertEquals(List.of(100, 102), ids);
        int updated = db.transactionResult(tx -> DSL.using(tx).update(CUSTOMER).set(CITY, "Porto")
                .where(ID.in(100, 102)).execute());
        assertEquals(2, updated);
        assertTrue(db.fetchExists(db.selectFrom(CUSTOMER).where(ID.eq(102)).and(CITY.eq("Porto"))));
    }
}
