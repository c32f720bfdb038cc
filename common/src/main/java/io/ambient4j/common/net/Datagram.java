package io.ambient4j.common.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * One SEQPACKET message: its bytes and at most one descriptor that came with it. The receiver owns the
 * descriptor and must close it (or hand it on).
 */
public record Datagram(byte[] payload, Optional<OwnedFd> fd) {
    public Datagram {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Datagram d && Arrays.equals(payload, d.payload) && fd.equals(d.fd);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + fd.hashCode();
    }

    @Override
    public String toString() {
        return "Datagram[" + payload.length + " bytes" + fd.map(f -> ", " + f).orElse("") + "]";
    }
}
