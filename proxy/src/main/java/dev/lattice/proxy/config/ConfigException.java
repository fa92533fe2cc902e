package dev.lattice.proxy.config;

/** A bad setting: start-up stops with this message, which names the setting. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
