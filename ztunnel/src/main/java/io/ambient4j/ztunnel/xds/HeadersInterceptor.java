package io.ambient4j.ztunnel.xds;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Adds istiod's authentication metadata to every call: {@code authorization: Bearer <token>} read from the
 * projected token file at each call (kubelet rotates it), {@code clusterid}, and the {@code XDS_HEADER_*} extras.
 */
final class HeadersInterceptor implements ClientInterceptor {
    private static final System.Logger LOG = System.getLogger(HeadersInterceptor.class.getName());
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("clusterid", Metadata.ASCII_STRING_MARSHALLER);

    private final Path tokenFile;
    private final String clusterId;
    private final Map<String, String> extra;

    HeadersInterceptor(Path tokenFile, String clusterId, Map<String, String> extra) {
        this.tokenFile = tokenFile;
        this.clusterId = clusterId;
        this.extra = Map.copyOf(extra);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                String token = readToken();
                if (token != null) {
                    headers.put(AUTHORIZATION, "Bearer " + token);
                }
                headers.put(CLUSTER_ID, clusterId);
                extra.forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
                super.start(listener, headers);
            }
        };
    }

    private String readToken() {
        try {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "no service-account token at {0}; connecting without authorization", tokenFile);
            return null;
        }
    }
}
