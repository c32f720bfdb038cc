package io.ambient4j.istiod.xds;

import com.google.protobuf.Any;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import java.util.Optional;

/** The only place delta-ADS protobufs are read or built: requests become records, records become responses. */
final class WireFormat {
    private WireFormat() {}

    static DeltaRequest toRequest(DeltaDiscoveryRequest proto) {
        Optional<String> error = proto.hasErrorDetail()
                ? Optional.of("code " + proto.getErrorDetail().getCode() + ": "
                        + proto.getErrorDetail().getMessage())
                : Optional.empty();
        return new DeltaRequest(
                proto.getTypeUrl(),
                proto.getResourceNamesSubscribeList(),
                proto.getResourceNamesUnsubscribeList(),
                proto.getInitialResourceVersionsMap(),
                proto.getResponseNonce(),
                error);
    }

    static DeltaDiscoveryResponse toProto(DeltaResponse response) {
        DeltaDiscoveryResponse.Builder b = DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl(response.typeUrl())
                .setSystemVersionInfo(response.systemVersion())
                .setNonce(response.nonce())
                .addAllRemovedResources(response.removed());
        for (XdsResource r : response.resources()) {
            b.addResources(Resource.newBuilder()
                    .setName(r.name())
                    .setVersion(r.version())
                    .addAllAliases(r.aliases())
                    .setResource(Any.pack(r.body(), "type.googleapis.com")));
        }
        return b.build();
    }
}
