package io.ambient4j.conformance.kubelet;

/** A CNI plugin refused or failed an ADD/DEL; {@code code} is the CNI error code (or -1 when unknown). */
public final class CniException extends RuntimeException {
    private final int code;

    public CniException(int code, String message) {
        super("CNI error " + code + ": " + message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
