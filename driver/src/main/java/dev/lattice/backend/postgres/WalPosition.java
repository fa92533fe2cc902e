package dev.lattice.backend.postgres;

/** A WAL position as a number (the byte position Lattice compares) and as PostgreSQL writes it ({@code 16/B374D848}). */
final class WalPosition {

    private WalPosition() {
    }

    /** The byte position of PostgreSQL's text form; -1 for null (no position). */
    static long parse(String text) {
        if (text == null) {
            return -1;
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not a WAL position: " + text);
        }
        return Long.parseUnsignedLong(text.substring(0, slash), 16) << 32 | Long.parseUnsignedLong(text.substring(slash + 1), 16);
    }

    static String format(long position) {
        return position < 0 ? null
                : Long.toHexString(position >>> 32).toUpperCase() + "/" + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase();
    }
}
