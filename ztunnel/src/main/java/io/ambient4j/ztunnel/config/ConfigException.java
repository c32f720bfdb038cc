package io.ambient4j.ztunnel.config;

/**
 * A start-up configuration value that cannot be used. It names the variable and the offending value so an
 * operator can fix the DaemonSet without reading code; {@link #reason()} is stable for tests and tooling.
 */
public final class ConfigException extends RuntimeException {
    /** Why the value was rejected. */
    public enum Reason {
        /** Not a number, boolean, duration, URI or address. */
        MALFORMED,
        /** Parsed, but outside the allowed range or set of values. */
        OUT_OF_RANGE,
        /** A combination of variables that cannot work together, or a required variable missing. */
        INCONSISTENT
    }

    private final String variable;
    private final String value;
    private final Reason reason;

    ConfigException(String variable, String value, Reason reason, String detail) {
        super(variable + "=" + quote(value) + ": " + detail);
        this.variable = variable;
        this.value = value;
        this.reason = reason;
    }

    private static String quote(String value) {
        return value == null ? "<unset>" : "\"" + value + "\"";
    }

    /** The environment variable that was rejected. */
    public String variable() {
        return variable;
    }

    /** The rejected value, or {@code null} when the variable was missing. */
    public String value() {
        return value;
    }

    /** The stable classification. */
    public Reason reason() {
        return reason;
    }
}
