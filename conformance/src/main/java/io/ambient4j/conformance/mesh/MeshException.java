package io.ambient4j.conformance.mesh;

/** A failure of the local mesh itself (not of a scenario's expectation), with a stable reason. */
public final class MeshException extends RuntimeException {
    /** Why the mesh failed. */
    public enum Reason {
        NOT_ROOT,
        MISSING_TOOL,
        COMMAND_FAILED,
        API_SERVER,
        NETWORK,
        STATE_FILE,
        LAUNCH
    }

    private final Reason reason;

    public MeshException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public MeshException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
