package dev.lattice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {

    @Test
    void readsBackItsWritesAndShowsEveryNode() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rows = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, rows);
        assertTrue(out.contains("hello from lattice"), out);
        assertTrue(out.contains("primary") && out.contains("replica1") && out.contains("replica2"), out);
    }
}
