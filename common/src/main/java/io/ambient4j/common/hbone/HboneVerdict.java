package io.ambient4j.common.hbone;

import java.io.IOException;

/**
 * What an {@link HboneHandler} decided about a CONNECT. The server writes nothing until the handler
 * returns one: a {@link Reject} becomes that status with END_STREAM, an {@link Accept} becomes
 * {@code 200} followed by the tunnel. This is how "answer only after success" is enforced.
 */
public sealed interface HboneVerdict {

    /** Refuse the tunnel with an HTTP status such as 400, 401 or 503. */
    record Reject(int status, HboneHeaders headers) implements HboneVerdict {
        public Reject {
            if (status < 200 || status > 599 || status == 200) {
                throw new IllegalArgumentException("reject needs a non-200 final status, got " + status);
            }
        }
    }

    /** Answer 200 with {@code headers} (e.g. {@code baggage}), then run {@code tunnel} on the stream. */
    record Accept(HboneHeaders headers, Tunnel tunnel) implements HboneVerdict {}

    /** The accepted tunnel's body; runs on the stream's own virtual thread. */
    @FunctionalInterface
    interface Tunnel {
        void run(HboneStream stream) throws IOException;
    }

    static HboneVerdict reject(int status) {
        return new Reject(status, HboneHeaders.empty());
    }

    static HboneVerdict accept(HboneHeaders headers, Tunnel tunnel) {
        return new Accept(headers, tunnel);
    }
}
