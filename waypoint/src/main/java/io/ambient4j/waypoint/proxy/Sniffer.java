package io.ambient4j.waypoint.proxy;

import io.ambient4j.waypoint.http.HttpInput;
import java.io.IOException;

/**
 * Protocol detection on a fresh tunnel, as Envoy's HTTP inspector does for ports without a declared protocol: the
 * first bytes are an HTTP/1.x request when they start with an upper-case method token and a space. HTTP/2's
 * prior-knowledge preface ({@code PRI * HTTP/2.0}) and anything else is relayed at L4. Nothing is consumed.
 */
final class Sniffer {
    enum Protocol {
        HTTP1,
        OPAQUE,
        EMPTY
    }

    private static final int MAX_METHOD = 20;

    private Sniffer() {}

    static Protocol detect(HttpInput in) throws IOException {
        for (int n = 1; n <= MAX_METHOD + 1; n++) {
            int have = in.fill(n);
            if (have < n) {
                return have == 0 ? Protocol.EMPTY : Protocol.OPAQUE;
            }
            int c = in.peek(n - 1);
            if (c == ' ') {
                if (n == 1) {
                    return Protocol.OPAQUE;
                }
                boolean pri = n == 4 && in.peek(0) == 'P' && in.peek(1) == 'R' && in.peek(2) == 'I';
                return pri ? Protocol.OPAQUE : Protocol.HTTP1;
            }
            if (!(c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
                return Protocol.OPAQUE;
            }
        }
        return Protocol.OPAQUE;
    }
}
