package io.ambient4j.istiod.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.api.discovery.Status;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real grpc-java delta ADS client, as ztunnel behaves: one stream, requests per type, responses queued for
 * the test to inspect.
 */
final class AdsClient implements AutoCloseable {
    static final String ZTUNNEL_NODE = "ztunnel~10.0.0.5~ztunnel-abcde.istio-system~istio-system.svc.cluster.local";

    private final BlockingQueue<DeltaDiscoveryResponse> responses = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final StreamObserver<DeltaDiscoveryRequest> requests;
    private boolean first = true;
    private final String nodeId;
    private final String nodeNamespace;

    AdsClient(Channel channel) {
        this(channel, ZTUNNEL_NODE, "istio-system");
    }

    /** A client announcing another node (e.g. a {@code waypoint~...} proxy) in namespace {@code nodeNamespace}. */
    AdsClient(Channel channel, String nodeId, String nodeNamespace) {
        this.nodeId = nodeId;
        this.nodeNamespace = nodeNamespace;
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
    }

    /** Sends a request; the first one carries the node. */
    void send(DeltaDiscoveryRequest.Builder b) {
        if (first) {
            b.setNode(Node.newBuilder()
                    .setId(nodeId)
                    .setMetadata(Struct.newBuilder()
                            .putFields(
                                    "NAMESPACE",
                                    Value.newBuilder()
                                            .setStringValue(nodeNamespace)
                                            .build())));
            first = false;
        }
        requests.onNext(b.build());
    }

    void sendRaw(DeltaDiscoveryRequest r) {
        first = false;
        requests.onNext(r);
    }

    void wildcard(String type) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(type));
    }

    void wildcard(String type, Map<String, String> initialVersions) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(type).putAllInitialResourceVersions(initialVersions));
    }

    void ack(DeltaDiscoveryResponse r) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()));
    }

    void nack(DeltaDiscoveryResponse r, String why) {
        send(DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(r.getTypeUrl())
                .setResponseNonce(r.getNonce())
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage(why)));
    }

    void subscribe(String type, List<String> subscribe, List<String> unsubscribe) {
        send(DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(type)
                .addAllResourceNamesSubscribe(subscribe)
                .addAllResourceNamesUnsubscribe(unsubscribe));
    }

    /** The next response, failing the test after 10 s. */
    DeltaDiscoveryResponse next() throws InterruptedException {
        DeltaDiscoveryResponse r = responses.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("a response within 10 s").isNotNull();
        return r;
    }

    /** The next response within {@code millis}, or null. */
    DeltaDiscoveryResponse poll(long millis) throws InterruptedException {
        return responses.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next response of one type (responses of other types are kept in order of arrival and skipped). */
    DeltaDiscoveryResponse next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            DeltaDiscoveryResponse r = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(r).as("a %s response within 10 s", type).isNotNull();
            if (r.getTypeUrl().equals(type)) {
                return r;
            }
        }
    }

    /** Asserts nothing arrives within {@code quiet}. */
    void expectSilence(Duration quiet) throws InterruptedException {
        DeltaDiscoveryResponse r = responses.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("no response expected").isNull();
    }

    /** Waits for the server to end the stream and returns its error (null for a clean end). */
    Throwable awaitEnd() throws Exception {
        return ended.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // already closed by the server
        }
    }
}
