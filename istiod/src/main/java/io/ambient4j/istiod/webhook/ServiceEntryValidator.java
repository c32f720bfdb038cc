package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.ServiceEntrySpec;
import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ServiceEntry rules (networking.istio.io): hosts, VIPs, ports, and that the resolution mode and the
 * endpoints agree (NONE takes no endpoints, STATIC needs IP endpoints, DNS without endpoints needs
 * resolvable hosts, DNS_ROUND_ROBIN takes at most one endpoint).
 */
final class ServiceEntryValidator {
    static final Set<String> RESOLUTIONS = Set.of("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS");
    static final Set<String> LOCATIONS = Set.of("MESH_EXTERNAL", "MESH_INTERNAL");
    static final Set<String> PROTOCOLS = Set.of(
            "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "MONGO", "MYSQL", "REDIS", "TCP", "TLS", "UDP");

    private ServiceEntryValidator() {}

    static List<Violation> validate(ServiceEntrySpec spec) {
        Problems p = new Problems();
        if (spec == null) {
            p.add("spec", "must be set");
            return p.list();
        }
        if (spec.hosts == null || spec.hosts.isEmpty()) {
            p.add("spec.hosts", "at least one host is required");
        } else {
            for (int i = 0; i < spec.hosts.size(); i++) {
                String h = spec.hosts.get(i);
                if (!Syntax.hostname(h, true)) {
                    p.add(
                            "spec.hosts[" + i + "]",
                            "'" + h + "' is not a DNS name (a leading '*.' wildcard is allowed, a bare '*' is not)");
                }
            }
        }
        if (spec.addresses != null) {
            for (int i = 0; i < spec.addresses.size(); i++) {
                if (!Syntax.ipOrCidr(spec.addresses.get(i))) {
                    p.add("spec.addresses[" + i + "]", "'" + spec.addresses.get(i) + "' is not an IP address or CIDR");
                }
            }
        }
        if (spec.location != null && !spec.location.isEmpty() && !LOCATIONS.contains(spec.location)) {
            p.add("spec.location", "unknown location '" + spec.location + "'; expected MESH_EXTERNAL or MESH_INTERNAL");
        }
        String resolution = spec.resolution == null || spec.resolution.isEmpty() ? "NONE" : spec.resolution;
        if (!RESOLUTIONS.contains(resolution)) {
            p.add(
                    "spec.resolution",
                    "unknown resolution '" + spec.resolution
                            + "'; expected one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS");
        }
        Set<String> portNames = ports(p, spec.ports);
        List<WorkloadEntrySpec> endpoints = spec.endpoints == null ? List.of() : spec.endpoints;
        if (spec.workloadSelector != null) {
            if (!endpoints.isEmpty()) {
                p.add("spec.workloadSelector", "only one of workloadSelector or endpoints may be set");
            }
            Syntax.labels(p, "spec.workloadSelector.labels", spec.workloadSelector.labels);
        }
        switch (resolution) {
            case "NONE" -> {
                if (!endpoints.isEmpty()) {
                    p.add("spec.endpoints", "must be empty when resolution is NONE");
                }
            }
            case "DNS", "DNS_ROUND_ROBIN" -> {
                if (endpoints.isEmpty() && spec.hosts != null) {
                    for (int i = 0; i < spec.hosts.size(); i++) {
                        String h = spec.hosts.get(i);
                        if (h != null && h.startsWith("*")) {
                            p.add(
                                    "spec.hosts[" + i + "]",
                                    "wildcard host '" + h + "' cannot be resolved; resolution " + resolution
                                            + " without endpoints needs concrete hosts");
                        }
                    }
                }
                if (resolution.equals("DNS_ROUND_ROBIN") && endpoints.size() > 1) {
                    p.add("spec.endpoints", "resolution DNS_ROUND_ROBIN allows at most one endpoint");
                }
            }
            default -> {}
        }
        for (int i = 0; i < endpoints.size(); i++) {
            String at = "spec.endpoints[" + i + "]";
            WorkloadEntrySpec e = endpoints.get(i);
            if (e == null) {
                p.add(at, "must not be null");
                continue;
            }
            boolean dns = !resolution.equals("STATIC");
            WorkloadEntryValidator.entry(p, at, e, dns);
            if (e.ports != null) {
                for (String name : e.ports.keySet()) {
                    if (name != null && !portNames.contains(name)) {
                        p.add(at + ".ports[" + name + "]", "names no port declared in spec.ports");
                    }
                }
            }
        }
        return p.list();
    }

    /** Checks {@code spec.ports}; returns the declared port names. */
    private static Set<String> ports(Problems p, List<ServiceEntrySpec.ServicePort> ports) {
        Set<String> names = new HashSet<>();
        if (ports == null) {
            return names;
        }
        Map<Integer, Integer> numbers = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            String at = "spec.ports[" + i + "]";
            var port = ports.get(i);
            if (port == null) {
                p.add(at, "must not be null");
                continue;
            }
            if (!Syntax.validPort(port.number, 1)) {
                p.add(at + ".number", "port " + port.number + " is not a number in 1-65535");
            } else if (numbers.putIfAbsent(port.number, i) != null) {
                p.add(
                        at + ".number",
                        "port " + port.number + " is already declared at spec.ports[" + numbers.get(port.number) + "]");
            }
            if (port.name == null || port.name.isEmpty()) {
                p.add(at + ".name", "must be set");
            } else if (!names.add(port.name)) {
                p.add(at + ".name", "port name '" + port.name + "' is not unique");
            }
            if (port.protocol != null
                    && !port.protocol.isEmpty()
                    && !PROTOCOLS.contains(port.protocol.toUpperCase(Locale.ROOT))) {
                p.add(at + ".protocol", "unsupported protocol '" + port.protocol + "'");
            }
            if (port.targetPort != null && !Syntax.validPort(port.targetPort, 1)) {
                p.add(at + ".targetPort", "port " + port.targetPort + " is not a number in 1-65535");
            }
        }
        return names;
    }
}
