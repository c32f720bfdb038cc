package io.ambient4j.cni.zds;

/** ztunnel's answer to one request; an empty error means success. */
public record ZdsAck(String error) {
    public boolean ok() {
        return error.isEmpty();
    }
}
