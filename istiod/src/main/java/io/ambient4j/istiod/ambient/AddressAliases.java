package io.ambient4j.istiod.ambient;

import com.google.protobuf.Message;
import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.NetworkMode;
import io.ambient4j.api.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The on-demand aliases of Address resources ({@code <network>/<ip>}, {@code <network>/<ip>/<len>} for CIDR
 * VIPs): which resources an alias names, and which workloads belong to a Service, so a VIP lookup returns the
 * Service plus its current endpoints. Maintained by the writer; read from any thread.
 */
final class AddressAliases implements OutputTable.Listener {
    private final ConcurrentHashMap<String, Set<String>> byAlias = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<String>> membersByService = new ConcurrentHashMap<>();

    @Override
    public void changed(String name, Message previous, Message next) {
        if (previous instanceof Address a) {
            aliases(a).forEach(alias -> remove(byAlias, alias, name));
            if (a.hasWorkload()) {
                a.getWorkload().getServicesMap().keySet().forEach(svc -> remove(membersByService, svc, name));
            }
        }
        if (next instanceof Address a) {
            aliases(a)
                    .forEach(alias -> byAlias.computeIfAbsent(alias, k -> ConcurrentHashMap.newKeySet())
                            .add(name));
            if (a.hasWorkload()) {
                a.getWorkload()
                        .getServicesMap()
                        .keySet()
                        .forEach(svc -> membersByService
                                .computeIfAbsent(svc, k -> ConcurrentHashMap.newKeySet())
                                .add(name));
            }
        }
    }

    private static void remove(ConcurrentHashMap<String, Set<String>> m, String key, String name) {
        m.computeIfPresent(key, (k, set) -> {
            set.remove(name);
            return set.isEmpty() ? null : set;
        });
    }

    static List<String> aliases(Address a) {
        List<String> out = new ArrayList<>();
        if (a.hasWorkload()) {
            Workload w = a.getWorkload();
            if (w.getNetworkMode() == NetworkMode.HOST_NETWORK) {
                return out;
            }
            for (var ip : w.getAddressesList()) {
                out.add(w.getNetwork() + "/" + IpAddresses.format(ip.toByteArray()));
            }
        } else if (a.hasService()) {
            for (NetworkAddress na : a.getService().getAddressesList()) {
                String base = na.getNetwork() + "/"
                        + IpAddresses.format(na.getAddress().toByteArray());
                out.add(na.hasLength() ? base + "/" + na.getLength() : base);
            }
        }
        return out;
    }

    /** The aliases published with a resource body (none for anything but an Address). */
    static List<String> of(Message body) {
        return body instanceof Address a ? aliases(a) : List.of();
    }

    /** Resource names for an alias; a Service VIP also yields the Service's member workloads. */
    Set<String> lookup(String alias) {
        Set<String> out = new TreeSet<>();
        for (String name : byAlias.getOrDefault(alias, Set.of())) {
            out.addAll(withMembers(name));
        }
        return out;
    }

    /** A resource name plus, when it names a Service, the Service's member workloads. */
    Set<String> withMembers(String name) {
        Set<String> out = new TreeSet<>();
        out.add(name);
        out.addAll(membersByService.getOrDefault(name, Set.of()));
        return out;
    }
}
