package io.ambient4j.istiod.xds;

import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.istiod.auth.AuthenticationException;
import io.ambient4j.istiod.auth.Authenticator;
import io.ambient4j.istiod.auth.Caller;
import io.ambient4j.istiod.auth.Credentials;
import io.ambient4j.istiod.auth.GrpcCredentials;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/**
 * {@code envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources} for ambient: each
 * call becomes an {@link AdsStream} with its own writer thread.
 *
 * <p>With an authenticator (the TLS port), a stream without a valid bearer token ends at once with
 * {@code UNAUTHENTICATED}; without one (the plaintext port, as upstream) callers are anonymous.
 * State-of-the-world ADS is not served: ztunnel only speaks delta.
 */
public final class DeltaAdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    private static final System.Logger LOG = System.getLogger(DeltaAdsService.class.getName());

    private final XdsHub hub;
    private final Optional<Authenticator> authenticator;

    /**
     * @param hub shared resource fan-out
     * @param authenticator present when callers must authenticate
     */
    public DeltaAdsService(XdsHub hub, Optional<Authenticator> authenticator) {
        this.hub = hub;
        this.authenticator = authenticator;
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
            StreamObserver<DeltaDiscoveryResponse> responseObserver) {
        Credentials creds = GrpcCredentials.current();
        Optional<Caller> caller = Optional.empty();
        if (authenticator.isPresent()) {
            try {
                caller = Optional.of(authenticator.get().authenticate(creds));
            } catch (AuthenticationException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "xDS stream from " + creds.peer() + " refused (" + e.reason() + "): " + e.getMessage());
                responseObserver.onError(Status.UNAUTHENTICATED
                        .withDescription("authentication failure: " + e.getMessage())
                        .asRuntimeException());
                return new Ignore();
            }
        }
        AdsStream stream = new AdsStream(hub, responseObserver, caller, creds.peer());
        stream.start();
        return stream;
    }

    /** Swallows requests on a stream that was already refused. */
    private static final class Ignore implements StreamObserver<DeltaDiscoveryRequest> {
        @Override
        public void onNext(DeltaDiscoveryRequest value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
