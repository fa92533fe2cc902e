package dev.lattice.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What an example printed, kept for assertion messages and echoed to the test log. */
final class Output {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Override
    public String toString() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Prints what the example printed, so a test log reads like the example's run. */
    String echo() {
        String text = toString();
        System.out.print(text);
        return text;
    }
}
