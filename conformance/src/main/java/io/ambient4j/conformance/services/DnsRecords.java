package io.ambient4j.conformance.services;

import io.ambient4j.conformance.mesh.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster DNS zone as an immutable map, rebuilt whenever Services or endpoints change: {@code
 * <svc>.<ns>.svc.cluster.local} → the VIP (headless: the ready endpoint IPs), and {@code
 * a-b-c-d.<ns>.pod.cluster.local} → a.b.c.d for any address, as cluster DNS answers.
 */
public record DnsRecords(Map<String, List<String>> names) {
    public DnsRecords {
        names = Map.copyOf(names);
    }

    public static DnsRecords empty() {
        return new DnsRecords(Map.of());
    }

    /** Builds the zone from the Services (pure). */
    public static DnsRecords of(List<ServiceView> services) {
        Map<String, List<String>> names = new HashMap<>();
        for (ServiceView s : services) {
            String fqdn = s.name() + "." + s.namespace() + ".svc." + Topology.CLUSTER_DOMAIN;
            if (!s.headless()) {
                names.put(fqdn, List.of(s.clusterIp()));
            } else {
                List<String> ips = new ArrayList<>();
                s.ports()
                        .forEach(p -> p.endpoints().forEach(e -> {
                            if (!ips.contains(e.ip())) {
                                ips.add(e.ip());
                            }
                        }));
                names.put(fqdn, List.copyOf(ips));
            }
        }
        return new DnsRecords(names);
    }

    /** The A records for {@code name}, or empty when the name does not exist (NXDOMAIN). */
    public Optional<List<String>> lookup(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        List<String> found = names.get(n);
        if (found != null) {
            return Optional.of(found);
        }
        String podSuffix = ".pod." + Topology.CLUSTER_DOMAIN;
        if (n.endsWith(podSuffix)) {
            String first = n.substring(0, n.indexOf('.'));
            String ip = first.replace('-', '.');
            if (ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                return Optional.of(List.of(ip));
            }
        }
        return Optional.empty();
    }
}
