package dev.lattice.sql.analysis;

import java.util.List;

/**
 * A statement whose every literal is a key value, as one text for all statements of its shape:
 * {@code sql} has a {@code ?} where each literal was, and {@code values} holds the literals in
 * order (an Integer, Long or BigDecimal for a number, as the parser types it; a String for a
 * string). Run with these values bound, it does what the text with the literals does, and the
 * database parses it once for the whole shape.
 */
public record LiteralParameters(String sql, List<Object> values) {
}
