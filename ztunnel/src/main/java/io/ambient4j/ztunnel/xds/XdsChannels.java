package io.ambient4j.ztunnel.xds;

import io.ambient4j.ztunnel.config.Config;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the TLS gRPC channel to istiod from the typed config. */
public final class XdsChannels {
    /** Upstream accepts xDS messages up to 200 MiB (large meshes). */
    static final int MAX_MESSAGE = 200 * 1024 * 1024;

    private XdsChannels() {}

    /**
     * A channel to {@code XDS_ADDRESS}, verified with {@code XDS_ROOT_CA} (a file, inline PEM, or {@code SYSTEM}),
     * expecting {@code ALT_XDS_HOSTNAME} when set, and carrying the token, cluster id and extra headers.
     */
    public static ManagedChannel create(Config cfg) {
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
    public static ManagedChannel createCa(Config cfg) {
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
     * TLS verified with {@code rootCa} (a file, inline PEM, or {@code SYSTEM}), the authority overridden when
     * {@code altHostname} is set, and every call carrying the token (re-read per call), cluster id and extra headers.
     */
    public static ManagedChannel build(
            URI uri,
            String rootCa,
            java.util.Optional<String> altHostname,
            Path token,
            String clusterId,
            java.util.Map<String, String> headers) {
        int port = uri.getPort() > 0 ? uri.getPort() : ("http".equals(uri.getScheme()) ? 80 : 443);
        ChannelCredentials creds = "http".equals(uri.getScheme()) ? InsecureChannelCredentials.create() : tls(rootCa);
        ManagedChannelBuilder<?> b = Grpc.newChannelBuilderForAddress(uri.getHost(), port, creds)
                .maxInboundMessageSize(MAX_MESSAGE)
                .intercept(new HeadersInterceptor(token, clusterId, headers));
        altHostname.ifPresent(b::overrideAuthority);
        return b.build();
    }

    static ChannelCredentials tls(String rootCa) {
        if ("SYSTEM".equals(rootCa)) {
            return TlsChannelCredentials.create();
        }
        try {
            Path p = Path.of(rootCa);
            byte[] pem = Files.isRegularFile(p) ? Files.readAllBytes(p) : rootCa.getBytes(StandardCharsets.US_ASCII);
            return TlsChannelCredentials.newBuilder()
                    .trustManager(new ByteArrayInputStream(pem))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read xDS root certificate " + rootCa, e);
        }
    }
}
