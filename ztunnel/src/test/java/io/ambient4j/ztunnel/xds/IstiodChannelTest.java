package io.ambient4j.ztunnel.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a call on the channel to istiod ends when there is no istiod, or when the channel closes under it. */
class IstiodChannelTest {
    @TempDir
    Path dir;

    /** Records every onClose, so a second one would show. */
    private static final class Ends extends ClientCall.Listener<DeltaDiscoveryResponse> {
        final List<Status> statuses = new CopyOnWriteArrayList<>();
        final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void onClose(Status status, Metadata trailers) {
            statuses.add(status);
            first.countDown();
        }
    }

    private IstiodChannel channelTo(int port) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t\n");
        return XdsChannels.build(
                URI.create("http://127.0.0.1:" + port), "SYSTEM", Optional.empty(), token, "c1", Map.of());
    }

    private static ClientCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> ads(IstiodChannel ch) {
        return ch.channel()
                .newCall(AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod(), CallOptions.DEFAULT);
    }

    @Test
    void nothingListeningEndsTheCallUnavailableOnceAndLeavesNoCall() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        try (IstiodChannel ch = channelTo(port)) {
            Ends ends = new Ends();
            ClientCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> call = ads(ch);
            call.start(ends, new Metadata());
            call.request(1);
            call.sendMessage(DeltaDiscoveryRequest.getDefaultInstance());
            call.cancel("given up", null);
            assertThat(ends.first.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ends.statuses).hasSize(1);
            assertThat(ends.statuses.getFirst().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(ends.statuses.getFirst().getDescription()).containsIgnoringCase("refused");
            assertThat(ch.liveCalls()).isZero();
        }
    }

    @Test
    void callCreatedBeforeCloseAndStartedAfterIsToldItEnded() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            IstiodChannel ch = channelTo(silent.getLocalPort());
            ClientCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> call = ads(ch);
            ch.close();
            Ends ends = new Ends();
            call.start(ends, new Metadata());
            assertThat(ends.first.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ends.statuses).hasSize(1);
            assertThat(ends.statuses.getFirst().getCode()).isEqualTo(Status.Code.CANCELLED);
            assertThat(ch.liveCalls()).isZero();

            Ends later = new Ends();
            ads(ch).start(later, new Metadata());
            assertThat(later.statuses).hasSize(1);
            assertThat(later.statuses.getFirst().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(later.statuses.getFirst().getDescription()).isEqualTo("the channel to istiod is closed");
        }
    }
}
