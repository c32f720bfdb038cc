package io.ambient4j.ztunnel.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.ztunnel.rbac.Authorization;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.ResourceConversionException;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies one delta response to the state: every resource is decoded and converted on its own, the good ones and
 * the removals are applied as one batch, and the bad ones are returned by name for the NACK. Kept apart from the
 * stream so a push can be tested without a connection.
 */
final class ResourceApplier implements ResponseApplier {
    private final StateUpdater updater;

    ResourceApplier(StateUpdater updater) {
        this.updater = updater;
    }

    @Override
    public AppliedResponse apply(DeltaDiscoveryResponse response) {
        String type = response.getTypeUrl();
        List<RejectedResource> rejected = new ArrayList<>();
        Map<String, String> accepted = new java.util.LinkedHashMap<>();
        List<Address> addresses = new ArrayList<>();
        List<Authorization> policies = new ArrayList<>();
        for (Resource r : response.getResourcesList()) {
            String name = r.getName();
            try {
                Any any = r.getResource();
                if (type.equals(TypeUrls.ADDRESS)) {
                    addresses.add(
                            ProtoConversion.address(name, unpack(name, any, io.ambient4j.api.workload.Address.class)));
                } else if (type.equals(TypeUrls.AUTHORIZATION)) {
                    policies.add(ProtoConversion.authorization(
                            name, unpack(name, any, io.ambient4j.api.security.Authorization.class)));
                } else {
                    rejected.add(new RejectedResource(name, "unknown type " + type));
                    continue;
                }
                accepted.put(name, r.getVersion());
            } catch (ResourceConversionException e) {
                rejected.add(new RejectedResource(name, e.reason() + ": " + e.detail()));
            }
        }
        List<String> removed = response.getRemovedResourcesList();
        StateDelta delta = type.equals(TypeUrls.AUTHORIZATION)
                ? StateDelta.ofPolicies(policies, removed)
                : StateDelta.ofAddresses(addresses, type.equals(TypeUrls.ADDRESS) ? removed : List.of());
        updater.apply(delta);
        return new AppliedResponse(accepted, removed, rejected);
    }

    private static <T extends com.google.protobuf.Message> T unpack(String name, Any any, Class<T> type) {
        try {
            if (!any.is(type)) {
                throw new ResourceConversionException(
                        name, ResourceConversionException.Reason.UNDECODABLE, "resource is " + any.getTypeUrl());
            }
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new ResourceConversionException(name, ResourceConversionException.Reason.UNDECODABLE, e.getMessage());
        }
    }
}
