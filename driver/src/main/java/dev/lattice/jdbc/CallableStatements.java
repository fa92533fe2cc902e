package dev.lattice.jdbc;

import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.util.Set;

/**
 * CallableStatements run on the primary (a procedure may write anything); their executions go
 * through the session, so row changes are captured and autocommit commits get an LSN.
 */
final class CallableStatements {

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private CallableStatements() {
    }

    static CallableStatement wrap(LatticeConnection connection, String sql, CallableStatement h2) throws java.sql.SQLException {
        var analysis = connection.analyze(sql);
        return (CallableStatement) Proxy.newProxyInstance(CallableStatements.class.getClassLoader(),
                new Class<?>[] {CallableStatement.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("getConnection")) {
                        return connection;
                    }
                    if ((name.equals("unwrap") || name.equals("isWrapperFor")) && ((Class<?>) args[0]).isInstance(proxy)) {
                        return name.equals("unwrap") ? proxy : Boolean.TRUE;
                    }
                    if (EXECUTIONS.contains(name) && (args == null || args.length == 0)) {
                        return connection.session().executeOnPrimary(analysis, sql, (node, index) -> {
                            try {
                                return MetaData.invoke(h2, method, args);
                            } catch (java.sql.SQLException | RuntimeException e) {
                                throw e;
                            } catch (Throwable e) {
                                throw new java.sql.SQLException(e.getMessage(), "HY000", e);
                            }
                        });
                    }
                    return MetaData.invoke(h2, method, args);
                });
    }
}
