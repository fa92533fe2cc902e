package dev.lattice.proxy.console;

import dev.lattice.proxy.auth.Md5Authenticator;
import dev.lattice.proxy.auth.ScramVerifier;
import dev.lattice.proxy.auth.UserCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is logged in to the console: a password checked against the proxy's own users (their SCRAM
 * verifier, else their md5 hash), then a random 128-bit session id in an HttpOnly, SameSite=Strict
 * cookie that expires after {@link #IDLE_MILLIS} without use, and a per-session CSRF token that
 * every action must carry in a header. Neither the password nor anything derived from it is kept.
 */
final class ConsoleLogins {

    static final String COOKIE = "lattice_console";
    static final String CSRF_HEADER = "X-Lattice-CSRF";
    static final long IDLE_MILLIS = 30 * 60 * 1000L;
    private static final int MAX_SESSIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A logged-in browser. */
    record Login(String id, String user, String csrf, long[] lastUse) {
        boolean expired(long now) {
            return now - lastUse[0] > IDLE_MILLIS;
        }
    }

    private final Map<String, UserCredentials> users;
    private final ConcurrentHashMap<String, Login> logins = new ConcurrentHashMap<>();
    /** A verifier for unknown users, so a wrong name costs the same PBKDF2 work as a wrong password. */
    private final ScramVerifier decoy = ScramVerifier.fromPassword(randomHex());

    ConsoleLogins(Map<String, UserCredentials> users) {
        this.users = users;
    }

    /** Checks a user's password; on success opens a login. Null when the user or password is wrong. */
    Login login(String user, String password) {
        if (user == null || password == null || user.length() > 256 || password.length() > 1024) {
            return null;
        }
        UserCredentials c = users.get(user);
        if (!passwordMatches(c, user, password)) {
            return null;
        }
        long now = System.currentTimeMillis();
        if (logins.size() >= MAX_SESSIONS) {
            logins.values().removeIf(l -> l.expired(now));
        }
        Login l = new Login(randomHex(), user, randomHex(), new long[] {now});
        logins.put(l.id(), l);
        return l;
    }

    private boolean passwordMatches(UserCredentials c, String user, String password) {
        ScramVerifier v = c == null ? decoy : c.scram();
        if (v != null) {
            ScramVerifier derived = ScramVerifier.fromPassword(password, v.salt(), v.iterations());
            boolean same = MessageDigest.isEqual(derived.storedKey(), v.storedKey());
            return c != null && same;
        }
        // md5-only user: PostgreSQL's stored form, md5(password + user)
        return c.md5() != null && MessageDigest.isEqual(Md5Authenticator.hash(user, password)
                .getBytes(StandardCharsets.US_ASCII), c.md5().getBytes(StandardCharsets.US_ASCII));
    }

    /** The login a cookie header names, if it is live; its idle clock restarts. */
    Login find(String cookieHeader) {
        String id = cookie(cookieHeader);
        if (id == null) {
            return null;
        }
        Login l = logins.get(id);
        long now = System.currentTimeMillis();
        if (l == null) {
            return null;
        }
        if (l.expired(now)) {
            logins.remove(id, l);
            return null;
        }
        l.lastUse()[0] = now;
        return l;
    }

    void logout(Login l) {
        logins.remove(l.id(), l);
    }

    /** Whether an action carries the login's CSRF token. */
    static boolean csrfMatches(Login l, String header) {
        return header != null && MessageDigest.isEqual(l.csrf().getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII));
    }

    static String setCookie(Login l) {
        return COOKIE + "=" + l.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + IDLE_MILLIS / 1000;
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    private static String cookie(String header) {
        if (header == null || header.length() > 8192) {
            return null;
        }
        // browsers send "a=1; b=2"; RFC 2965 clients (java.net.CookieManager) send $Version="1", a="1"
        for (String part : header.replace(',', ';').split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                String v = p.substring(COOKIE.length() + 1);
                if (v.length() == 34 && v.charAt(0) == '"' && v.charAt(33) == '"') {
                    v = v.substring(1, 33);
                }
                return v.length() == 32 ? v : null;
            }
        }
        return null;
    }

    private static String randomHex() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
