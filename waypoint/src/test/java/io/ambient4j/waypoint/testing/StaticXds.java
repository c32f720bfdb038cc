package io.ambient4j.waypoint.testing;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.ztunnel.testing.ServerTls;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A static delta ADS source over real TLS on 127.0.0.1, standing in for istiod in the waypoint's direct tests: each
 * subscription gets every resource held for its type; later ACKs and NACKs are recorded.
 */
public final class StaticXds implements AutoCloseable {
    private final Map<String, Map<String, Message>> resources = new ConcurrentHashMap<>();
    public final BlockingQueue<DeltaDiscoveryRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger nonce = new AtomicInteger();
    private final Server server;
    public final ServerTls tls;

    public StaticXds(Path dir) throws IOException {
        this.tls = ServerTls.create(dir);
        var service = new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
                    StreamObserver<DeltaDiscoveryResponse> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(DeltaDiscoveryRequest r) {
                        requests.add(r);
                        if (r.getResponseNonce().isEmpty()) {
                            out.onNext(response(r.getTypeUrl()));
                        }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                };
            }
        };
        server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        TlsServerCredentials.create(tls.certChainPem.toFile(), tls.keyPem.toFile()))
                .addService(service)
                .build()
                .start();
    }

    private DeltaDiscoveryResponse response(String type) {
        DeltaDiscoveryResponse.Builder b = DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl(type)
                .setNonce(Integer.toString(nonce.incrementAndGet()))
                .setSystemVersionInfo("1");
        resources
                .getOrDefault(type, Map.of())
                .forEach((name, msg) -> b.addResources(
                        Resource.newBuilder().setName(name).setVersion("1").setResource(Any.pack(msg))));
        return b.build();
    }

    /** Holds {@code msg} as resource {@code name} of {@code type}; served to streams that subscribe afterwards. */
    public StaticXds put(String type, String name, Message msg) {
        resources.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(name, msg);
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** Requests received so far that carried an error (NACKs). */
    public List<DeltaDiscoveryRequest> nacks() {
        return requests.stream().filter(DeltaDiscoveryRequest::hasErrorDetail).toList();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
