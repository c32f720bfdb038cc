package io.ambient4j.ztunnel.inpod;

import java.io.IOException;

/**
 * A pod's proxy could not start (e.g. its certificate or xDS state is not there yet, or the old ztunnel
 * still holds a port without SO_REUSEPORT). Transient by nature: the pod stays pending and is retried.
 */
public final class ProxyStartException extends IOException {
    private final String uid;

    public ProxyStartException(String uid, Throwable cause) {
        super("proxy for pod " + uid + " failed to start: " + cause.getMessage(), cause);
        this.uid = uid;
    }

    /** The pod whose proxy failed. */
    public String uid() {
        return uid;
    }
}
