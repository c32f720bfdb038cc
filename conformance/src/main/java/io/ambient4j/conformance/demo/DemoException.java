package io.ambient4j.conformance.demo;

/**
 * Why the demo stopped: the machine cannot run it ({@link Reason#PREFLIGHT}), the mesh did not come up
 * ({@link Reason#MESH}), or a step observed something other than what the story claims
 * ({@link Reason#OBSERVATION}). The demo doubles as a smoke test, so every one of these is a non-zero exit
 * that names the step.
 */
public final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons, one exit code each. */
    public enum Reason {
        PREFLIGHT(2),
        MESH(3),
        OBSERVATION(1);

        private final int exitCode;

        Reason(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Reason reason;
    private final int step;

    public DemoException(Reason reason, int step, String message) {
        super(message);
        this.reason = reason;
        this.step = step;
    }

    public Reason reason() {
        return reason;
    }

    /** The story step (1-based) that failed. */
    public int step() {
        return step;
    }
}
