package io.ambient4j.ztunnel.proxy;

/**
 * An inbound HBONE request that must be refused, carrying the HTTP status to answer (ambient-spec §2.2) and the
 * access-log response flag, so the server only maps exceptions to replies and never decides anything itself.
 */
public final class InboundRejection extends RuntimeException {
    /** The stable cause; each maps to exactly one status. */
    public enum Reason {
        NON_CONNECT_METHOD(400, "-"),
        BAD_AUTHORITY(400, "-"),
        /** The CONNECT target IP differs from the TCP destination and this is not a waypoint for it. */
        IP_MISMATCH(400, "-"),
        /** ztunnel does not (yet) know the workload it is serving here. */
        UNKNOWN_LOCAL_WORKLOAD(503, "-"),
        /** A hostname authority for a service that does not exist. */
        NO_HOSTNAME(503, "-"),
        /** The service exists but maps no target port for the requested port on this workload. */
        NO_PORT_FOR_SERVICE(503, "-"),
        /** The target port is one of ztunnel's own. */
        SELF_CALL(503, "-"),
        /** Authorization denied the connection. */
        DENIED(401, "DENY"),
        /** The connect to the application failed. */
        CONNECT_FAILED(503, "CONNECT");

        private final int status;
        private final String responseFlag;

        Reason(int status, String responseFlag) {
            this.status = status;
            this.responseFlag = responseFlag;
        }

        public int status() {
            return status;
        }

        public String responseFlag() {
            return responseFlag;
        }
    }

    private final Reason reason;

    public InboundRejection(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status to reply with. */
    public int status() {
        return reason.status();
    }
}
