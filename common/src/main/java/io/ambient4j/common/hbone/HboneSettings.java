package io.ambient4j.common.hbone;

import java.time.Duration;

/**
 * HTTP/2 tuning of an HBONE endpoint. The defaults are ztunnel's (HTTP2_STREAM_WINDOW_SIZE 4 MiB,
 * HTTP2_CONNECTION_WINDOW_SIZE 16 MiB, HTTP2_FRAME_SIZE 1 MiB, 16 KiB header lists, 200 concurrent
 * streams served, at most 100 opened per connection), so peers see the same windows as with upstream.
 *
 * @param streamWindow receive window per stream (SETTINGS_INITIAL_WINDOW_SIZE)
 * @param connectionWindow receive window of the connection (raised by WINDOW_UPDATE on stream 0)
 * @param maxFrameSize largest frame we accept (SETTINGS_MAX_FRAME_SIZE)
 * @param maxConcurrentStreams streams a peer may open towards us (server side)
 * @param maxStreamsPerConnection streams we open on one connection (client side), further capped by the peer
 * @param maxHeaderListSize largest decoded header list we accept (SETTINGS_MAX_HEADER_LIST_SIZE)
 * @param handshakeTimeout how long to wait for the peer's preface and first SETTINGS, and (client) for
 *     the answer to a CONNECT
 */
public record HboneSettings(
        int streamWindow,
        int connectionWindow,
        int maxFrameSize,
        int maxConcurrentStreams,
        int maxStreamsPerConnection,
        int maxHeaderListSize,
        Duration handshakeTimeout) {

    /** ztunnel's environment variable names for these settings (parsed by the component's config). */
    public static final String ENV_STREAM_WINDOW = "HTTP2_STREAM_WINDOW_SIZE";

    public static final String ENV_CONNECTION_WINDOW = "HTTP2_CONNECTION_WINDOW_SIZE";
    public static final String ENV_FRAME_SIZE = "HTTP2_FRAME_SIZE";
    public static final String ENV_POOL_MAX_STREAMS = "POOL_MAX_STREAMS_PER_CONNECTION";
    public static final String ENV_POOL_UNUSED_RELEASE_TIMEOUT = "POOL_UNUSED_RELEASE_TIMEOUT";

    public static final int DEFAULT_STREAM_WINDOW = 4 * 1024 * 1024;
    public static final int DEFAULT_CONNECTION_WINDOW = 16 * 1024 * 1024;
    public static final int DEFAULT_FRAME_SIZE = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 200;
    public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 100;
    public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 16 * 1024;

    public HboneSettings {
        if (streamWindow < 65535 || connectionWindow < 65535) {
            throw new IllegalArgumentException("windows must be at least 65535");
        }
        if (maxFrameSize < PeerSettings.MIN_FRAME || maxFrameSize > PeerSettings.MAX_FRAME) {
            throw new IllegalArgumentException("maxFrameSize out of range: " + maxFrameSize);
        }
        if (maxConcurrentStreams < 1 || maxStreamsPerConnection < 1 || maxHeaderListSize < 1024) {
            throw new IllegalArgumentException("stream limits must be positive, header list at least 1 KiB");
        }
    }

    public static HboneSettings defaults() {
        return new HboneSettings(
                DEFAULT_STREAM_WINDOW,
                DEFAULT_CONNECTION_WINDOW,
                DEFAULT_FRAME_SIZE,
                DEFAULT_MAX_CONCURRENT_STREAMS,
                DEFAULT_MAX_STREAMS_PER_CONNECTION,
                DEFAULT_MAX_HEADER_LIST_SIZE,
                Duration.ofSeconds(10));
    }

    public HboneSettings withMaxStreamsPerConnection(int streams) {
        return new HboneSettings(
                streamWindow,
                connectionWindow,
                maxFrameSize,
                maxConcurrentStreams,
                streams,
                maxHeaderListSize,
                handshakeTimeout);
    }

    public HboneSettings withWindows(int stream, int connection) {
        return new HboneSettings(
                stream,
                connection,
                maxFrameSize,
                maxConcurrentStreams,
                maxStreamsPerConnection,
                maxHeaderListSize,
                handshakeTimeout);
    }
}
