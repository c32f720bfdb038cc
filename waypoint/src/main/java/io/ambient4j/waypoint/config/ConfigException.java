package io.ambient4j.waypoint.config;

/** The waypoint's environment or arguments are unusable; the message names the variable and what is wrong. */
public final class ConfigException extends Exception {
    public enum Reason {
        MISSING,
        INVALID,
        UNKNOWN_ARGUMENT
    }

    private final Reason reason;

    public ConfigException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
