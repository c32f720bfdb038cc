package io.ambient4j.conformance.scenario;

/** Something the external-cluster mode cannot do, with a stable {@link Reason} and a message saying what. */
public final class ExternalClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** A scenario names a node ({@code node-N}) the cluster does not have. */
        NO_SUCH_NODE,
        /** The command line or environment is incomplete (no kubeconfig, no echo image). */
        USAGE,
        /** An exec into a pod failed or did not finish in time. */
        EXEC,
        /** Reading a component's endpoint through the API failed. */
        PROXY
    }

    private final Reason reason;

    public ExternalClusterException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ExternalClusterException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
