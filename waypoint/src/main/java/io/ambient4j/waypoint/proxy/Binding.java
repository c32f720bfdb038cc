package io.ambient4j.waypoint.proxy;

import io.ambient4j.ztunnel.state.GatewayAddress;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a tunnel's destination is bound to this waypoint, as a pure function of the mesh state. Envoy waypoints only
 * have listeners for what is bound to them; without this check any mesh client could use this waypoint to reach a
 * service bound to another waypoint and bypass that waypoint's policies. The waypoint knows itself by its pod IP:
 * the services that select it are the names ({@code GatewayAddress} hostname) or VIPs it is addressed by.
 */
final class Binding {
    enum Verdict {
        /** The destination's waypoint (or one of its canary waypoints) is this one. */
        SERVED,
        /** The destination names another waypoint, or none. */
        NOT_SERVED,
        /**
         * This waypoint's own workload is not (yet) in the state: nothing to compare with, so the tunnel is refused
         * (fail closed) and readiness waits for it.
         */
        SELF_UNKNOWN
    }

    private Binding() {}

    static Verdict check(ProxyState mesh, String network, InetAddress self, Destination dest) {
        Optional<Workload> me = mesh.workloadByAddress(new NetworkAddress(network, self));
        if (me.isEmpty()) {
            return Verdict.SELF_UNKNOWN;
        }
        Set<NamespacedHostname> names = new HashSet<>();
        Set<NetworkAddress> addresses = new HashSet<>();
        addresses.add(new NetworkAddress(network, self));
        for (String key : me.get().services().keySet()) {
            NamespacedHostname n = NamespacedHostname.parse(key);
            names.add(n);
            mesh.service(n).ifPresent(s -> addresses.addAll(s.vips()));
        }
        List<GatewayAddress> waypoints = switch (dest) {
            case Destination.ToService s -> waypoints(s.service());
            case Destination.ToWorkload w -> w.workload().waypoint().stream().toList();
        };
        for (GatewayAddress g : waypoints) {
            boolean mine = switch (g.destination()) {
                case NamespacedHostname h -> names.contains(h);
                case NetworkAddress a -> addresses.contains(a);
            };
            if (mine) {
                return Verdict.SERVED;
            }
        }
        return Verdict.NOT_SERVED;
    }

    private static List<GatewayAddress> waypoints(Service s) {
        List<GatewayAddress> out = new java.util.ArrayList<>();
        s.waypoint().ifPresent(out::add);
        s.weightedWaypoints().forEach(w -> out.add(w.destination()));
        return out;
    }
}
