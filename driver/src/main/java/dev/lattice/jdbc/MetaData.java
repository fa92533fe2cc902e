package dev.lattice.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;

/**
 * DatabaseMetaData of a Lattice connection: the primary's H2 metadata (so ORMs choose their H2
 * dialect and see the user's schema), except that it names the Lattice connection and URL.
 */
final class MetaData {

    private MetaData() {
    }

    static DatabaseMetaData wrap(LatticeConnection connection, DatabaseMetaData h2) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getConnection":
                    return connection;
                case "getURL":
                    return connection.url();
                case "unwrap":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    break;
                case "isWrapperFor":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
            return invoke(h2, method, args);
        };
        return (DatabaseMetaData) Proxy.newProxyInstance(MetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, handler);
    }

    static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
