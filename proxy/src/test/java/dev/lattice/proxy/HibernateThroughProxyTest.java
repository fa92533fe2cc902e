package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.type.SqlTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hibernate ORM with its PostgreSQLDialect through the proxy over a jdbc:postgresql: URL, as against PostgreSQL. */
class HibernateThroughProxyTest {

    @Entity(name = "Gadget")
    static class Gadget {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        String name;
        int stock;
        Instant added;
        @JdbcTypeCode(SqlTypes.JSON)
        Map<String, Object> specs;
        String[] tags;

        Gadget() {
        }

        Gadget(String name, int stock, Map<String, Object> specs, String... tags) {
            this.name = name;
            this.stock = stock;
            this.added = Instant.parse("2024-05-01T12:00:00Z");
            this.specs = specs;
            this.tags = tags;
        }
    }

    private static RunningProxy proxy;
    private static StandardServiceRegistry registry;
    private static SessionFactory sessions;

    @BeforeAll
    static void start() throws Exception {
        proxy = RunningProxy.start("hibernate");
        registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_JDBC_URL, proxy.url())
                .applySetting(AvailableSettings.JAKARTA_JDBC_USER, "lattice")
                .applySetting(AvailableSettings.JAKARTA_JDBC_PASSWORD, "lattice")
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "create")
                .build();
        sessions = new MetadataSources(registry).addAnnotatedClass(Gadget.class).buildMetadata().buildSessionFactory();
    }

    @AfterAll
    static void stop() {
        if (sessions != null) {
            sessions.close();
        }
        StandardServiceRegistryBuilder.destroy(registry);
        proxy.close();
    }

    @Test
    void hibernateTakesTheProxyForPostgresql() {
        Dialect dialect = sessions.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
        assertEquals(PostgreSQLDialect.class, dialect.getClass());
        assertTrue(dialect.getVersion().isSameOrAfter(15), dialect.getVersion().toString());
    }

    @Test
    void crudOnAnEntityWithJsonbAndArrayAttributes() {
        Long id = sessions.fromTransaction(s -> {
            Gadget g = new Gadget("lamp", 3, Map.of("watts", 40, "color", "red"), "home", "light");
            s.persist(g);
            s.persist(new Gadget("fan", 7, Map.of("speeds", 3), "home"));
            return g.id;
        });
        Gadget found = sessions.fromTransaction(s -> s.find(Gadget.class, id));
        assertEquals("lamp", found.name);
        assertEquals(Map.of("watts", 40, "color", "red"), found.specs);
        assertEquals(List.of("home", "light"), List.of(found.tags));
        assertEquals(Instant.parse("2024-05-01T12:00:00Z"), found.added);

        sessions.inTransaction(s -> s.find(Gadget.class, id).stock = 2); // dirty checking: an UPDATE
        assertEquals(2, sessions.fromTransaction(s -> s.find(Gadget.class, id)).stock);

        List<String> inStock = sessions.fromTransaction(s -> s.createSelectionQuery(
                "select g.name from Gadget g where g.stock > :min order by g.stock desc", String.class)
                .setParameter("min", 1).getResultList());
        assertEquals(List.of("fan", "lamp"), inStock);
        Long count = sessions.fromTransaction(s -> s.createSelectionQuery("select count(g) from Gadget g", Long.class)
                .getSingleResult());
        assertEquals(2L, count);

        sessions.inTransaction(s -> s.remove(s.find(Gadget.class, id)));
        assertNull(sessions.fromTransaction(s -> s.find(Gadget.class, id)));
    }
}
