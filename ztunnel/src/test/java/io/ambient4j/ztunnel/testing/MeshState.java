package io.ambient4j.ztunnel.testing;

import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.state.Workload;
import java.util.ArrayList;
import java.util.List;

/** Builds a ProxyState from protobuf fixtures through the real converter and the real single writer. */
public final class MeshState {
    private final List<Address> addresses = new ArrayList<>();

    public MeshState workload(io.ambient4j.api.workload.Workload.Builder w) {
        var p = w.build();
        addresses.add(ProtoConversion.workload(p.getUid(), p));
        return this;
    }

    public MeshState service(io.ambient4j.api.workload.Service.Builder s) {
        var p = s.build();
        addresses.add(ProtoConversion.service(p.getNamespace() + "/" + p.getHostname(), p));
        return this;
    }

    public ProxyState build() {
        return new StateUpdater().apply(StateDelta.ofAddresses(addresses, List.of()));
    }

    public static Workload convert(io.ambient4j.api.workload.Workload.Builder w) {
        var p = w.build();
        return ProtoConversion.workload(p.getUid(), p);
    }
}
