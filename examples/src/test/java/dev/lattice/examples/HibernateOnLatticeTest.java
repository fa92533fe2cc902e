package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.RollbackException;
import jakarta.persistence.Version;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hibernate ORM 7 with HikariCP on jdbc:lattice:, with the H2 dialect that Lattice's metadata selects. */
class HibernateOnLatticeTest {

    // Nested entities need a name, or Hibernate 7 calls them HibernateOnLatticeTest$Author in queries.
    @Entity(name = "Author")
    static class Author {
        @Id
        @GeneratedValue(strategy = GenerationType.SEQUENCE)
        Long id;
        String name;
        @OneToMany(mappedBy = "author")
        List<Book> books = new ArrayList<>();
        @Version
        int version;

        Author() {
        }

        Author(String name) {
            this.name = name;
        }
    }

    @Entity(name = "Book")
    static class Book {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        String title;
        int published;
        BigDecimal price;
        @ManyToOne(fetch = FetchType.LAZY)
        Author author;
        @Version
        long version;

        Book() {
        }

        Book(String title, int published, BigDecimal price, Author author) {
            this.title = title;
            this.published = published;
            this.price = price;
            this.author = author;
            author.books.add(this);
        }
    }

    static HikariDataSource pool;
    static SessionFactory sessions;

    @BeforeAll
    static void start() {
        HikariConfig config = new HikariConfig();
        // sessionScope=shared: a read on one pooled connection sees what a write on another did.
        // A long consistency timeout: a slow CI machine waits for a replica instead of falling back.
        config.setJdbcUrl("jdbc:lattice:mem:hibernate?replicas=2&sessionScope=shared&consistencyTimeout=10000");
        config.setMaximumPoolSize(5);
        pool = new HikariDataSource(config);
        sessions = new HibernatePersistenceConfiguration("bookshop")
                .managedClasses(Author.class, Book.class)
                .property(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool)
                .schemaToolingAction(Action.CREATE_DROP)
                .createEntityManagerFactory();
        inTransaction(em -> {
            Author tolkien = new Author("Tolkien");
            Author leGuin = new Author("Le Guin");
            em.persist(tolkien);
            em.persist(leGuin);
            em.persist(new Book("The Hobbit", 1937, new BigDecimal("12.50"), tolkien));
            em.persist(new Book("The Lord of the Rings", 1954, new BigDecimal("30.00"), tolkien));
            em.persist(new Book("A Wizard of Earthsea", 1968, new BigDecimal("10.00"), leGuin));
            em.persist(new Book("The Left Hand of Darkness", 1969, new BigDecimal("11.00"), leGuin));
            em.persist(new Book("The Dispossessed", 1974, new BigDecimal("13.00"), leGuin));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try (Connection c = pool.getConnection()) {
            sessions.close();
            Replicas.shutdown(c);
        } finally {
            pool.close();
        }
    }

    @Test
    void schemaCreationIsReplicatedToEveryReplica() throws Exception {
        List<String> columns = EveryNode.assertSameOnEveryNode(pool, EveryNode.SCHEMA);
        assertTrue(columns.stream().anyMatch(c -> c.startsWith("BOOK | AUTHOR_ID")), columns.toString());
        assertTrue(columns.stream().anyMatch(c -> c.startsWith("AUTHOR | VERSION")), columns.toString());
        List<String> sequences = EveryNode.assertSameOnEveryNode(pool,
                "SELECT SEQUENCE_NAME FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_SCHEMA = 'PUBLIC'");
        assertEquals(List.of("AUTHOR_SEQ"), sequences);
        EveryNode.assertSameOnEveryNode(pool, "SELECT id, title, published, price, author_id FROM Book ORDER BY id");
    }

    @Test
    void crudWithJpqlCriteriaAndPaging() {
        Long id = fromTransaction(em -> {
            Book book = new Book("Tales from Earthsea", 2001, new BigDecimal("9.00"),
                    em.createQuery("from Author where name = 'Le Guin'", Author.class).getSingleResult());
            em.persist(book);
            return book.id;
        });
        inTransaction(em -> {
            em.find(Book.class, id).price = new BigDecimal("8.00");
        });
        assertEquals(new BigDecimal("8.00"), fromTransaction(em -> em.find(Book.class, id).price));

        List<String> leGuin = fromTransaction(em -> em.createQuery(
                "select b.title from Book b join b.author a where a.name = :name order by b.published", String.class)
                .setParameter("name", "Le Guin").getResultList());
        assertEquals(List.of("A Wizard of Earthsea", "The Left Hand of Darkness", "The Dispossessed",
                "Tales from Earthsea"), leGuin);

        List<String> cheapest = fromTransaction(em -> {
            CriteriaBuilder cb = em.getCriteriaBuilder();
            CriteriaQuery<Book> q = cb.createQuery(Book.class);
            Root<Book> b = q.from(Book.class);
            q.select(b).where(cb.lt(b.get("price"), new BigDecimal("12"))).orderBy(cb.asc(b.get("price")));
            return em.createQuery(q).getResultList().stream().map(book -> book.title).toList();
        });
        assertEquals(List.of("Tales from Earthsea", "A Wizard of Earthsea", "The Left Hand of Darkness"), cheapest);

        List<String> secondPage = fromTransaction(em -> em.createQuery(
                "select b.title from Book b order by b.published", String.class)
                .setFirstResult(2).setMaxResults(2).getResultList());
        assertEquals(List.of("A Wizard of Earthsea", "The Left Hand of Darkness"), secondPage);

        inTransaction(em -> em.remove(em.find(Book.class, id)));
        assertNull(fromTransaction(em -> em.find(Book.class, id)));
    }

    @Test
    void optimisticLockingRefusesTheStaleWriter() {
        Long id = fromTransaction(em -> em.createQuery("select id from Book where title = 'The Hobbit'", Long.class)
                .getSingleResult());
        EntityManager first = sessions.createEntityManager();
        EntityManager second = sessions.createEntityManager();
        try {
            first.getTransaction().begin();
            second.getTransaction().begin();
            Book mine = first.find(Book.class, id);
            Book theirs = second.find(Book.class, id);
            theirs.price = theirs.price.add(BigDecimal.ONE);
            second.getTransaction().commit();
            mine.price = mine.price.add(BigDecimal.TEN);
            RollbackException e = assertThrows(RollbackException.class, () -> first.getTransaction().commit());
            assertTrue(e.getCause() instanceof OptimisticLockException, e.toString());
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void pessimisticLocksSerializeConcurrentIncrementsOnThePrimary() throws Exception {
        Long id = fromTransaction(em -> em.createQuery("select id from Book where title = 'The Dispossessed'", Long.class)
                .getSingleResult());
        BigDecimal before = fromTransaction(em -> em.find(Book.class, id).price);
        List<Thread> clerks = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread clerk = new Thread(() -> {
                try {
                    for (int i = 0; i < 10; i++) {
                        // SELECT ... FOR UPDATE: Lattice runs it on the primary, where the row lock lives.
                        inTransaction(em -> {
                            Book b = em.find(Book.class, id, LockModeType.PESSIMISTIC_WRITE);
                            b.price = b.price.add(BigDecimal.ONE);
                        });
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            clerks.add(clerk);
            clerk.start();
        }
        for (Thread clerk : clerks) {
            clerk.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(before.add(new BigDecimal(20)), fromTransaction(em -> em.find(Book.class, id).price));
    }

    @Test
    void aReadOnlyTransactionIsServedByAReplica() throws Exception {
        try (Connection stats = pool.getConnection()) {
            ServedBy served = ServedBy.watch(stats, "CAUSAL");
            List<String> titles = inReadOnlyTransaction(em -> em.createQuery(
                    "select b.title from Book b join b.author a where a.name = 'Tolkien' order by b.published",
                    String.class).getResultList());
            assertEquals(List.of("The Hobbit", "The Lord of the Rings"), titles);
            ServedBy.Reads reads = served.next();
            assertEquals(0, reads.primary(), reads.describe());
            assertEquals(1, reads.replica(), "one read-only transaction, pinned to one replica: " + reads.describe());
        }
    }

    @Test
    void aReadOnlyTransactionRefusesWrites() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> inReadOnlyTransaction(em -> {
            em.persist(new Author("Pratchett"));
            em.flush();
            return null;
        }));
        assertTrue(String.valueOf(rootCause(e).getMessage()).contains("read-only"), rootCause(e).toString());
    }

    /** Marks the JDBC connection read-only before the transaction's first statement: Lattice then reads one replica. */
    static <T> T inReadOnlyTransaction(Function<EntityManager, T> work) {
        EntityManager em = sessions.createEntityManager();
        try {
            em.getTransaction().begin();
            em.unwrap(Session.class).doWork(c -> c.setReadOnly(true));
            try {
                T result = work.apply(em);
                em.getTransaction().commit();
                return result;
            } finally {
                if (em.getTransaction().isActive()) {
                    em.getTransaction().rollback();
                }
            }
        } finally {
            em.close(); // HikariCP resets read-only when the connection goes back to the pool
        }
    }

    static void inTransaction(Consumer<EntityManager> work) {
        sessions.inTransaction(work::accept);
    }

    static <T> T fromTransaction(Function<EntityManager, T> work) {
        return sessions.fromTransaction(work::apply);
    }

    private static Throwable rootCause(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
