package io.ambient4j.common.hbone;

import io.helidon.http.http2.Http2ErrorCode;

/**
 * An HTTP/2 protocol violation found while decoding; {@code streamId == 0} means a connection
 * error (answered with GOAWAY), otherwise a stream error (answered with RST_STREAM).
 */
final class H2Error extends Exception {
    private final Http2ErrorCode code;
    private final int streamId;

    private H2Error(Http2ErrorCode code, int streamId, String message) {
        super(message, null, false, false);
        this.code = code;
        this.streamId = streamId;
    }

    static H2Error connection(Http2ErrorCode code, String message) {
        return new H2Error(code, 0, message);
    }

    static H2Error stream(int streamId, Http2ErrorCode code, String message) {
        return new H2Error(code, streamId, message);
    }

    Http2ErrorCode code() {
        return code;
    }

    int streamId() {
        return streamId;
    }

    boolean isConnectionError() {
        return streamId == 0;
    }
}
