package io.ambient4j.conformance.scenario;

/**
 * A scenario file that cannot be used, with the file, the 1-based line and the problem, e.g.
 * {@code scenarios/C062.yaml:14: check 'http' has no expectation}. {@link #reason} is stable for tests.
 */
public final class ScenarioException extends RuntimeException {
    /** Stable classification of the problem. */
    public enum Reason {
        SYNTAX,
        MISSING_FIELD,
        UNKNOWN_FIELD,
        BAD_VALUE,
        NO_CHECKS
    }

    private final String file;
    private final int line;
    private final Reason reason;
    private final String problem;

    public ScenarioException(String file, int line, Reason reason, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.reason = reason;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public Reason reason() {
        return reason;
    }

    public String problem() {
        return problem;
    }
}
