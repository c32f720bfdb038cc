package io.ambient4j.ztunnel.identity;

/** A string that is not a SPIFFE workload identity; carries the offending text. */
public final class InvalidIdentityException extends IllegalArgumentException {
    private final String input;

    InvalidIdentityException(String input, String detail) {
        super("invalid SPIFFE identity \"" + input + "\": " + detail);
        this.input = input;
    }

    /** The rejected text. */
    public String input() {
        return input;
    }
}
