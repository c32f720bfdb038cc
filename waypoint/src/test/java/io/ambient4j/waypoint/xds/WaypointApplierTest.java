package io.ambient4j.waypoint.xds;

import static io.ambient4j.waypoint.testing.L7Protos.backend;
import static io.ambient4j.waypoint.testing.L7Protos.policy;
import static io.ambient4j.waypoint.testing.L7Protos.route;
import static io.ambient4j.waypoint.testing.L7Protos.rule;
import static io.ambient4j.waypoint.testing.L7Protos.svc;
import static io.ambient4j.waypoint.testing.L7Protos.to;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.waypoint.L7Operation;
import io.ambient4j.api.waypoint.L7Rule;
import io.ambient4j.api.waypoint.L7Source;
import io.ambient4j.api.waypoint.RouteMatch;
import io.ambient4j.api.workload.Address;
import io.ambient4j.waypoint.state.WaypointState;
import io.ambient4j.ztunnel.testing.Protos;
import io.ambient4j.ztunnel.xds.AppliedResponse;
import io.ambient4j.ztunnel.xds.RejectedResource;
import org.junit.jupiter.api.Test;

/** The xDS boundary: each resource converts on its own; a bad one is named in the NACK while the rest applies. */
class WaypointApplierTest {
    final WaypointState state = new WaypointState();
    final WaypointApplier applier = new WaypointApplier(state);

    static DeltaDiscoveryResponse push(String type, Object... namesAndMessages) {
        DeltaDiscoveryResponse.Builder b =
                DeltaDiscoveryResponse.newBuilder().setTypeUrl(type).setNonce("1");
        for (int i = 0; i < namesAndMessages.length; i += 2) {
            b.addResources(Resource.newBuilder()
                    .setName((String) namesAndMessages[i])
                    .setVersion("v1")
                    .setResource(Any.pack((Message) namesAndMessages[i + 1])));
        }
        return b.build();
    }

    @Test
    void badRegexRouteIsRejectedByNameAndTheGoodOneApplies() {
        var good = route("app", "good", svc("app", "a"), 80)
                .addRules(rule().addBackends(backend(svc("app", "a"), 80, 1)))
                .build();
        var bad = route("app", "bad", svc("app", "a"), 80)
                .addRules(rule().addMatches(RouteMatch.newBuilder()
                        .setPathType(RouteMatch.PathType.REGULAR_EXPRESSION)
                        .setPath("/(unclosed")))
                .build();
        AppliedResponse r = applier.apply(push(WaypointTypeUrls.HTTP_ROUTE, "app/good", good, "app/bad", bad));
        assertThat(r.accepted()).containsOnlyKeys("app/good");
        assertThat(r.rejected()).extracting(RejectedResource::name).containsExactly("app/bad");
        assertThat(r.rejected().getFirst().reason()).contains("INVALID_REGEX");
        assertThat(state.snapshot().l7().routes()).containsOnlyKeys("app/good");
    }

    @Test
    void badCidrAndBadPortPoliciesAreRejected_removalsApply() {
        var ok = policy("app", "ok", io.ambient4j.api.waypoint.L7Policy.Action.DENY)
                .addRules(to(null, "/x"))
                .build();
        var cidr = policy("app", "cidr", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                .addRules(L7Rule.newBuilder().addFrom(L7Source.newBuilder().addIpBlocks("10.0.0.0/33")))
                .build();
        var port = policy("app", "port", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                .addRules(L7Rule.newBuilder().addTo(L7Operation.newBuilder().addPorts("http")))
                .build();
        AppliedResponse r =
                applier.apply(push(WaypointTypeUrls.L7_POLICY, "app/ok", ok, "app/cidr", cidr, "app/port", port));
        assertThat(r.rejected()).extracting(RejectedResource::name).containsExactly("app/cidr", "app/port");
        assertThat(state.snapshot().l7().policies()).containsOnlyKeys("app/ok");

        applier.apply(DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl(WaypointTypeUrls.L7_POLICY)
                .addRemovedResources("app/ok")
                .build());
        assertThat(state.snapshot().l7().policies()).isEmpty();
    }

    @Test
    void addressesGoToTheMeshState_andAWrongTypeIsRejected() {
        Address pod = Address.newBuilder()
                .setWorkload(Protos.pod("app", "p", "10.0.0.5"))
                .build();
        AppliedResponse r = applier.apply(push(
                WaypointTypeUrls.ADDRESS,
                "Kubernetes//Pod/app/p",
                pod,
                "wrong",
                policy("app", "x", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                        .build()));
        assertThat(r.accepted()).containsOnlyKeys("Kubernetes//Pod/app/p");
        assertThat(r.rejected()).extracting(RejectedResource::name).containsExactly("wrong");
        assertThat(state.snapshot().mesh().workload("Kubernetes//Pod/app/p")).isPresent();
    }
}
