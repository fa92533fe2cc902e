package dev.lattice.proxy.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.proxy.config.ConfigException;
import dev.lattice.proxy.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's port setting, node URLs shown without secrets, and statement texts shortened for the sessions list. */
class ConsoleSettingsTest {

    @Test
    void theHttpPortComesFromTheFlagOrTheHttpSetting() throws Exception {
        assertEquals(0, ConfigLoader.fromArgs(new String[0]).httpPort());
        assertEquals(8080, ConfigLoader.fromArgs(new String[] {"--http-port", "8080"}).httpPort());
        assertEquals(8081, ConfigLoader.fromArgs(new String[] {"--http-port=8081"}).httpPort());
        assertEquals(9000, ConfigLoader.fromMap(Map.of("http", Map.of("port", 9000))).httpPort());
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromMap(Map.of("http", Map.of("port", "x"))))
                .getMessage().startsWith("http.port"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromMap(Map.of("http", Map.of("port", 70000))))
                .getMessage().startsWith("http.port"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.fromMap(Map.of("http", Map.of("colour", 1))))
                .getMessage().contains("'http.colour'"));
    }

    @Test
    void nodeUrlsAreShownWithoutSecrets() {
        assertEquals("jdbc:postgresql://127.0.0.1:5432/db?sslmode=require",
                SafeUrl.of("jdbc:postgresql://127.0.0.1:5432/db?password=s3cret&sslmode=require"));
        assertEquals("jdbc:postgresql://app@host/db?ssl=true", SafeUrl.of("jdbc:postgresql://app:s3cret@host/db?ssl=true"));
        assertEquals("jdbc:h2:tcp://host/~/db;MODE=PostgreSQL",
                SafeUrl.of("jdbc:h2:tcp://host/~/db;PASSWORD=s3cret;MODE=PostgreSQL"));
        assertEquals("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", SafeUrl.of("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
    }

    @Test
    void statementsAreShortenedAndTheirWhitespaceFolded() {
        assertEquals("select 1 from t", ClusterView.shorten("  select 1\n\t from   t \n"));
        String longer = "select " + "x, ".repeat(100) + "1";
        String s = ClusterView.shorten(longer);
        assertEquals(ClusterView.STATEMENT_CHARS + 1, s.length());
        assertTrue(s.endsWith("…"));
        assertEquals(null, ClusterView.shorten(null));
    }
}
