package dev.lattice.proxy.protocol;

/** A frontend message that breaks protocol v3: the connection answers with an ErrorResponse and closes. */
public final class ProtocolException extends RuntimeException {

    private final String sqlState;

    public ProtocolException(String message) {
        this("08P01", message);
    }

    public ProtocolException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
