package io.ambient4j.ztunnel.xds;

import io.ambient4j.ztunnel.config.Config;
import io.helidon.common.tls.Tls;
import io.helidon.webclient.grpc.GrpcClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the TLS gRPC channels to istiod (xDS and CA) from the typed config, on Helidon's gRPC client. */
public final class XdsChannels {
    /** Upstream accepts xDS messages up to 200 MiB (large meshes). */
    static final int MAX_MESSAGE = 200 * 1024 * 1024;
    /** A TCP connect to istiod that takes longer fails the call (and the xDS client retries with backoff). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * An HTTP/2 PING this often on a stream: Helidon's client notices a connection istiod closed only when it writes
     * to it, so an idle xDS stream would otherwise wait forever on a dead connection. 30 s stays above the minimum
     * ping interval gRPC servers enforce (pinging more often earns a GOAWAY).
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(30);

    /**
     * Helidon's streaming call logs at ERROR each time a call is cancelled (it interrupts its own reader and writer)
     * and each failure it also reports as the call's status, which the xDS and CA clients log once, with context.
     * Held here so the level set stays (java.util.logging keeps loggers weakly).
     */
    private static final java.util.logging.Logger HELIDON_CALL_LOG =
            java.util.logging.Logger.getLogger("io.helidon.webclient.grpc.GrpcClientCall");

    static {
        HELIDON_CALL_LOG.setLevel(java.util.logging.Level.OFF);
    }

    private XdsChannels() {}

    /**
     * A channel to {@code XDS_ADDRESS}, verified with {@code XDS_ROOT_CA} (a file, inline PEM, or {@code SYSTEM}),
     * expecting {@code ALT_XDS_HOSTNAME} when set, and carrying the token, cluster id and extra headers.
     */
    public static IstiodChannel create(Config cfg) {
        return build(
                cfg.xdsAddress(),
                cfg.xdsRootCa(),
                cfg.altXdsHostname(),
                cfg.authToken(),
                cfg.clusterId(),
                cfg.xdsHeaders());
    }

    /**
     * A channel to {@code CA_ADDRESS}, verified with {@code CA_ROOT_CA}, expecting {@code ALT_CA_HOSTNAME} when set,
     * carrying the token (re-read per call), cluster id and {@code CA_HEADER_*} extras.
     */
    public static IstiodChannel createCa(Config cfg) {
        return build(
                cfg.caAddress(),
                cfg.caRootCa(),
                cfg.altCaHostname(),
                cfg.authToken(),
                cfg.clusterId(),
                cfg.caHeaders());
    }

    /**
     * A gRPC channel to istiod at {@code uri} ({@code https://host:port}, or {@code http://} for plaintext in tests):
     * TLS verified with {@code rootCa} (a file, inline PEM, or {@code SYSTEM}), {@code altHostname} when set being
     * the name sent as SNI and required in istiod's certificate (else the host of {@code uri}), and every call
     * carrying the token (re-read per call), cluster id and extra headers. A root that cannot be read or holds no
     * certificate fails here.
     */
    public static IstiodChannel build(
            URI uri,
            String rootCa,
            Optional<String> altHostname,
            Path token,
            String clusterId,
            Map<String, String> headers) {
        return build(uri, rootCa, altHostname, token, clusterId, headers, MAX_MESSAGE, HEARTBEAT);
    }

    static IstiodChannel build(
            URI uri,
            String rootCa,
            Optional<String> altHostname,
            Path token,
            String clusterId,
            Map<String, String> headers,
            long maxInbound,
            Duration heartbeat) {
        boolean plaintext = "http".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (plaintext ? 80 : 443);
        String host = uri.getHost(); // IPv6 in brackets
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        // Helidon tries TLS on an http:// URI unless TLS is disabled explicitly (deps.md trap 5).
        Tls tls = plaintext ? Tls.builder().enabled(false).build() : IstiodTls.create(rootCa, altHostname.orElse(bare));
        GrpcClient client = GrpcClient.builder()
                .baseUri(URI.create((plaintext ? "http" : "https") + "://" + host + ":" + port))
                .tls(tls)
                // without TCP_NODELAY each HTTP/2 frame waits for the peer's delayed ACK (deps.md trap 4)
                .socketOptions(o -> o.tcpNoDelay(true).connectTimeout(CONNECT_TIMEOUT))
                .protocolConfig(p -> p.heartbeatPeriod(heartbeat))
                .build();
        return new IstiodChannel(
                uri, client.channel(), maxInbound, List.of(new HeadersInterceptor(token, clusterId, headers)));
    }
}
