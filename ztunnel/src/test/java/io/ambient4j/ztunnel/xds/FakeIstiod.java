package io.ambient4j.ztunnel.xds;

import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.ztunnel.testing.ServerTls;
import io.grpc.InsecureServerCredentials;
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
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-test delta ADS server over real TLS on 127.0.0.1: it records each stream's headers and requests and lets
 * the test push responses or break the stream. The real istiod server lives on another branch.
 */
final class FakeIstiod implements AutoCloseable {
    /** One client stream: its metadata, the requests it sent, and a handle to answer it. */
    static final class Stream {
        final Metadata headers;
        final BlockingQueue<DeltaDiscoveryRequest> requests = new LinkedBlockingQueue<>();
        private final StreamObserver<DeltaDiscoveryResponse> out;

        Stream(Metadata headers, StreamObserver<DeltaDiscoveryResponse> out) {
            this.headers = headers;
            this.out = out;
        }

        DeltaDiscoveryRequest nextRequest() throws InterruptedException {
            DeltaDiscoveryRequest r = requests.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no request from the client within 10s");
            }
            return r;
        }

        void send(DeltaDiscoveryResponse r) {
            out.onNext(r);
        }

        void complete() {
            out.onCompleted();
        }

        void fail() {
            out.onError(
                    Status.UNAVAILABLE.withDescription("test breaks the stream").asRuntimeException());
        }
    }

    private static final io.grpc.Context.Key<Metadata> HEADERS = io.grpc.Context.key("headers");
    private final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();
    private final Server server;

    FakeIstiod(ServerTls tls) throws IOException {
        this(tls, 0);
    }

    /** On {@code port} (0: any free one); {@code tls} null serves plaintext h2c. */
    FakeIstiod(ServerTls tls, int port) throws IOException {
        var service = new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
                    StreamObserver<DeltaDiscoveryResponse> out) {
                Stream s = new Stream(HEADERS.get(), out);
                streams.add(s);
                return new StreamObserver<>() {
                    @Override
                    public void onNext(DeltaDiscoveryRequest r) {
                        s.requests.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                };
            }
        };
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return io.grpc.Contexts.interceptCall(
                        io.grpc.Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        tls == null
                                ? InsecureServerCredentials.create()
                                : TlsServerCredentials.create(tls.certChainPem.toFile(), tls.keyPem.toFile()))
                // istiod permits a ping every 15 s; the tests' clients ping every few hundred ms
                .permitKeepAliveTime(50, TimeUnit.MILLISECONDS)
                .addService(ServerInterceptors.intercept(service, capture))
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    /** The next stream, or null if none opens within the wait (for negative checks). */
    Stream pollStream(Duration wait) throws InterruptedException {
        return streams.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    Stream nextStream() throws InterruptedException {
        Stream s = streams.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the client did not open a stream within 10s");
        }
        return s;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    }
}
