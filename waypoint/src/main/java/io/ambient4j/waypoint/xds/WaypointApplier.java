package io.ambient4j.waypoint.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.waypoint.policy.L7Policy;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.waypoint.state.PortProtocol;
import io.ambient4j.waypoint.state.WaypointState;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.ResourceConversionException;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.xds.AppliedResponse;
import io.ambient4j.ztunnel.xds.RejectedResource;
import io.ambient4j.ztunnel.xds.ResponseApplier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies one delta response of any of the waypoint's three types: each resource is decoded and converted on its
 * own, the good ones and the removals go to {@link WaypointState} as one batch, the bad ones are returned by name
 * for the NACK.
 */
public final class WaypointApplier implements ResponseApplier {
    private final WaypointState state;

    public WaypointApplier(WaypointState state) {
        this.state = state;
    }

    @Override
    public AppliedResponse apply(DeltaDiscoveryResponse response) {
        String type = response.getTypeUrl();
        List<RejectedResource> rejected = new ArrayList<>();
        Map<String, String> accepted = new LinkedHashMap<>();
        List<Address> addresses = new ArrayList<>();
        List<L7Policy> policies = new ArrayList<>();
        List<HttpRoute> routes = new ArrayList<>();
        Map<String, Map<Integer, PortProtocol>> protocols = new LinkedHashMap<>();
        for (Resource r : response.getResourcesList()) {
            String name = r.getName();
            try {
                switch (type) {
                    case WaypointTypeUrls.ADDRESS -> {
                        var a = unpack(name, r.getResource(), io.ambient4j.api.workload.Address.class);
                        Address converted = ProtoConversion.address(name, a);
                        addresses.add(converted);
                        if (a.hasService()) {
                            Map<Integer, PortProtocol> ports = new LinkedHashMap<>();
                            a.getService()
                                    .getPortsList()
                                    .forEach(p -> ports.put(p.getServicePort(), PortProtocol.of(p.getAppProtocol())));
                            protocols.put(converted.resourceName(), ports);
                        }
                    }
                    case WaypointTypeUrls.L7_POLICY ->
                        policies.add(L7ProtoConversion.policy(
                                name, unpack(name, r.getResource(), io.ambient4j.api.waypoint.L7Policy.class)));
                    case WaypointTypeUrls.HTTP_ROUTE ->
                        routes.add(L7ProtoConversion.route(
                                name, unpack(name, r.getResource(), io.ambient4j.api.waypoint.HttpRoute.class)));
                    default -> {
                        rejected.add(new RejectedResource(name, "unknown type " + type));
                        continue;
                    }
                }
                accepted.put(name, r.getVersion());
            } catch (ResourceConversionException e) {
                rejected.add(new RejectedResource(name, e.reason() + ": " + e.detail()));
            } catch (L7ConversionException e) {
                rejected.add(new RejectedResource(name, e.getMessage()));
            }
        }
        List<String> removed = response.getRemovedResourcesList();
        switch (type) {
            case WaypointTypeUrls.ADDRESS ->
                state.applyAddresses(StateDelta.ofAddresses(addresses, removed), protocols);
            case WaypointTypeUrls.L7_POLICY -> state.applyPolicies(policies, removed);
            case WaypointTypeUrls.HTTP_ROUTE -> state.applyRoutes(routes, removed);
            default -> {}
        }
        return new AppliedResponse(accepted, removed, rejected);
    }

    private static <T extends Message> T unpack(String name, Any any, Class<T> type) {
        try {
            if (!any.is(type)) {
                throw new L7ConversionException(
                        name, L7ConversionException.Reason.UNDECODABLE, "resource is " + any.getTypeUrl());
            }
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new L7ConversionException(name, L7ConversionException.Reason.UNDECODABLE, e.getMessage());
        }
    }
}
