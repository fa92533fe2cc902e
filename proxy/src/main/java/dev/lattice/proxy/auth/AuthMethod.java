package dev.lattice.proxy.auth;

import java.util.Locale;

/** How clients prove who they are: SCRAM-SHA-256 by default; md5 and trust only when configured. */
public enum AuthMethod {
    SCRAM_SHA_256("scram-sha-256"),
    MD5("md5"),
    TRUST("trust");

    private final String configName;

    AuthMethod(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The method of a configuration value, or null when it names none. */
    public static AuthMethod parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (AuthMethod m : values()) {
            if (m.configName.equals(t)) {
                return m;
            }
        }
        return null;
    }
}
