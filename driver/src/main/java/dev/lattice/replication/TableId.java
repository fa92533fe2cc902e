package dev.lattice.replication;

/** A user table as H2 names it: schema and table name, exactly as stored in INFORMATION_SCHEMA. */
public record TableId(String schema, String name) {

    /** The table name quoted for use in SQL text. */
    public String quoted() {
        return quote(schema) + "." + quote(name);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
