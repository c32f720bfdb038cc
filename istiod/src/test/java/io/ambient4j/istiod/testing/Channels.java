package io.ambient4j.istiod.testing;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Real grpc-java (Netty) channels to istiod, as ztunnel dials it: TLS verified by root-cert.pem, bearer token. */
public final class Channels {
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private Channels() {}

    public static ManagedChannel plaintext(int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
                .build();
    }

    /**
     * A TLS channel that trusts only {@code rootPem} and checks the server name {@code istiod.istio-system.svc}.
     *
     * @param bearer the token to send as {@code authorization: Bearer ...}, or empty for none
     */
    public static ManagedChannel tls(int port, String rootPem, Optional<String> bearer) {
        ChannelCredentials creds;
        try {
            creds = TlsChannelCredentials.newBuilder()
                    .trustManager(new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ClientInterceptor> interceptors = new ArrayList<>();
        bearer.ifPresent(t -> {
            Metadata md = new Metadata();
            md.put(AUTHORIZATION, "Bearer " + t);
            interceptors.add(MetadataUtils.newAttachHeadersInterceptor(md));
        });
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, creds)
                .overrideAuthority("istiod.istio-system.svc")
                .intercept(interceptors)
                .build();
    }

    public static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
