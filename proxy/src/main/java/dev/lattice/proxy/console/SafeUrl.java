package dev.lattice.proxy.console;

import java.util.Locale;

/** A node URL fit to show: without user-info passwords or password-like parameters. */
final class SafeUrl {

    private static final String[] SECRET_KEYS = {"password", "passwd", "pwd", "secret", "token", "sslkey",
            "sslpassword", "passfile", "cipher_key", "file_password"};

    private SafeUrl() {
    }

    static String of(String url) {
        StringBuilder out = new StringBuilder(url.length());
        int i = 0;
        int n = url.length();
        // user:password@ after "//": keep the user only
        int slashes = url.indexOf("//");
        if (slashes >= 0) {
            int end = slashes + 2;
            while (end < n && "/?;#".indexOf(url.charAt(end)) < 0) {
                end++;
            }
            int at = url.lastIndexOf('@', end - 1);
            if (at > slashes) {
                int colon = url.indexOf(':', slashes + 2);
                if (colon >= 0 && colon < at) {
                    out.append(url, 0, colon).append(url, at, end);
                    i = end;
                }
            }
        }
        // parameters: after '?', '&' or ';', a key=value pair whose key names a secret is dropped
        int start = i;
        boolean queryOpen = false;
        while (i < n) {
            char c = url.charAt(i);
            if (c == '?' || c == '&' || c == ';') {
                out.append(url, start, i);
                int next = i + 1;
                while (next < n && "?&;".indexOf(url.charAt(next)) < 0) {
                    next++;
                }
                String pair = url.substring(i + 1, next);
                if (!isSecret(pair)) {
                    // a dropped first query parameter hands its '?' to the next one kept
                    char sep = (c == '&' || c == '?') ? (queryOpen ? '&' : '?') : c;
                    out.append(sep).append(pair);
                    queryOpen |= sep == '?' || sep == '&';
                }
                i = next;
                start = i;
            } else {
                i++;
            }
        }
        out.append(url, start, n);
        return out.toString();
    }

    private static boolean isSecret(String pair) {
        int eq = pair.indexOf('=');
        String key = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
        for (String s : SECRET_KEYS) {
            if (key.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
