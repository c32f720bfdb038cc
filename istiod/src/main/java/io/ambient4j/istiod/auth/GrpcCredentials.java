package io.ambient4j.istiod.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.helidon.webserver.grpc.GrpcConnectionContext;
import io.helidon.webserver.grpc.ServerContextKeys;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the caller's {@code authorization} and {@code clusterid} metadata into the gRPC {@link Context}, so
 * the xDS and CA services can authenticate on their own terms (the CA always, xDS only on the TLS port)
 * without reading transport headers themselves.
 */
public final class GrpcCredentials implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("clusterid", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Credentials> KEY = Context.key("ambient4j-credentials");

    /** The credentials of the current call, or {@link Credentials#none()} outside one. */
    public static Credentials current() {
        Credentials c = KEY.get();
        return c == null ? Credentials.none() : c;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        List<String> auth = new ArrayList<>();
        Iterable<String> values = headers.getAll(AUTHORIZATION);
        if (values != null) {
            values.forEach(auth::add);
        }
        String cluster = headers.get(CLUSTER_ID);
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        GrpcConnectionContext conn = ServerContextKeys.CONNECTION_CONTEXT.get();
        if (peer == null && conn != null) {
            peer = conn.remotePeer().address();
        }
        Credentials creds =
                new Credentials(auth, cluster == null ? "" : cluster, peer == null ? "unknown" : peer.toString());
        return Contexts.interceptCall(Context.current().withValue(KEY, creds), call, headers, next);
    }
}
