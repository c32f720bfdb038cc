package io.ambient4j.ztunnel.testing;

import io.ambient4j.api.ca.IstioCertificateRequest;
import io.ambient4j.api.ca.IstioCertificateResponse;
import io.ambient4j.api.ca.IstioCertificateServiceGrpc;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.identity.GrpcCaClient;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real {@code IstioCertificateService} for tests: gRPC over TLS on 127.0.0.1, signing CSRs with a real
 * {@link MeshCa} for the identity istiod would pick (the {@code ImpersonatedIdentity} metadata, else the CSR's own).
 * It records each call's headers and can be told to fail the next calls or to issue the wrong identity, so the
 * client's checks and backoff are exercised against the wire, not a stub.
 */
public final class FakeCa implements AutoCloseable {
    /** One CreateCertificate call as the server saw it. */
    public record Call(Metadata headers, IstioCertificateRequest request) {}

    private static final io.grpc.Context.Key<Metadata> HEADERS = io.grpc.Context.key("headers");

    private final MeshCa ca;
    private final ServerTls tls;
    private final Server server;
    private final Path dir;
    public final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger hangNext = new AtomicInteger();
    private final AtomicReference<SpiffeId> wrongIdentity = new AtomicReference<>();

    public FakeCa(Path dir) throws IOException {
        this.dir = dir;
        this.ca = MeshCa.generateSelfSigned(SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofDays(1));
        this.tls = ServerTls.create(dir);
        var service = new IstioCertificateServiceGrpc.IstioCertificateServiceImplBase() {
            @Override
            public void createCertificate(IstioCertificateRequest req, StreamObserver<IstioCertificateResponse> out) {
                calls.add(new Call(HEADERS.get(), req));
                if (hangNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return; // never answers: the client's deadline must end the call
                }
                if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    out.onError(Status.UNAVAILABLE
                            .withDescription("test CA is down")
                            .asRuntimeException());
                    return;
                }
                try {
                    SpiffeId id = req.getMetadata().containsFields(GrpcCaClient.IMPERSONATED_IDENTITY)
                            ? SpiffeId.parse(req.getMetadata()
                                    .getFieldsOrThrow(GrpcCaClient.IMPERSONATED_IDENTITY)
                                    .getStringValue())
                            : Csr.requestedIdentity(req.getCsr());
                    SpiffeId wrong = wrongIdentity.get();
                    X509Certificate leaf = ca.signCsr(
                            req.getCsr(), wrong != null ? wrong : id, Duration.ofSeconds(req.getValidityDuration()));
                    out.onNext(IstioCertificateResponse.newBuilder()
                            .addAllCertChain(ca.responseChain(leaf))
                            .build());
                    out.onCompleted();
                } catch (RuntimeException e) {
                    out.onError(Status.INVALID_ARGUMENT
                            .withDescription(e.getMessage())
                            .asRuntimeException());
                }
            }
        };
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(
                        io.grpc.Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        TlsServerCredentials.create(tls.certChainPem.toFile(), tls.keyPem.toFile()))
                .addService(ServerInterceptors.intercept(service, capture))
                .build()
                .start();
    }

    public MeshCa meshCa() {
        return ca;
    }

    public List<X509Certificate> roots() {
        return ca.roots();
    }

    /** The next {@code n} calls fail with UNAVAILABLE. */
    public void failNext(int n) {
        failNext.set(n);
    }

    /** The next {@code n} calls get no answer at all. */
    public void hangNext(int n) {
        hangNext.set(n);
    }

    public int port() {
        return server.getPort();
    }

    /** Sign every following CSR for {@code id} regardless of what was asked (null to stop). */
    public void issueWrongIdentity(SpiffeId id) {
        wrongIdentity.set(id);
    }

    /**
     * ztunnel's config pointing at this CA over TLS ({@code CA_ADDRESS}, {@code CA_ROOT_CA}, a token file), with
     * ztunnel's own identity {@code istio-system/ztunnel} and {@code SECRET_TTL=ttl}.
     */
    public Config config(Duration ttl) throws IOException {
        return config(ttl, Map.of());
    }

    /** As {@link #config(Duration)}, with some variables replaced or added (e.g. {@code ALT_CA_HOSTNAME}). */
    public Config config(Duration ttl, Map<String, String> overrides) throws IOException {
        Path token = Files.writeString(dir.resolve("istio-token"), "header.payload.sig\n");
        Map<String, String> env = new HashMap<>();
        env.put("CA_ADDRESS", "https://localhost:" + server.getPort());
        env.put("CA_ROOT_CA", tls.rootPem.toString());
        env.put("XDS_ROOT_CA", tls.rootPem.toString());
        env.put("AUTH_TOKEN", token.toString());
        env.put("CLUSTER_ID", "Kubernetes");
        env.put("POD_NAMESPACE", "istio-system");
        env.put("POD_NAME", "ztunnel-1");
        env.put("SERVICE_ACCOUNT", "ztunnel");
        env.put("NODE_NAME", "node-1");
        env.put("SECRET_TTL", ttl.toSeconds() + "s");
        env.putAll(overrides);
        return Config.fromEnv(env);
    }

    /** Rewrites the token file (kubelet rotation); the client must send the new value on its next call. */
    public void rotateToken(String token) throws IOException {
        Files.writeString(dir.resolve("istio-token"), token + "\n");
    }

    /** The next recorded call, waiting up to 10 s. */
    public Call nextCall() throws InterruptedException {
        Call c = calls.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no CreateCertificate call within 10s");
        }
        return c;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
