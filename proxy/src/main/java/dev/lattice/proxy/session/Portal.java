package dev.lattice.proxy.session;

/** A bound statement (Bind): its parameter values and result formats, and its result once executed. */
final class Portal implements AutoCloseable {

    final PreparedQuery query;
    final Object[] parameters;
    final short[] resultFormats;
    Result result;
    /** Whether {@link #result} came from a read run at once (a point read: its rows are few). */
    boolean resultAtOnce;

    Portal(PreparedQuery query, Object[] parameters, short[] resultFormats) {
        this.query = query;
        this.parameters = parameters;
        this.resultFormats = resultFormats;
    }

    @Override
    public void close() {
        if (result != null) {
            result.close();
            result = null;
        }
    }
}
