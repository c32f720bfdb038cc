package io.ambient4j.istioctl.ztunnelconfig;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A ztunnel's admin {@code /config_dump}, reduced to what the tables show. The JSON shape is
 * upstream ztunnel's (top-level {@code workloads}, {@code services}, {@code policies},
 * {@code certificates}; camelCase fields such as {@code workloadIps}, {@code vips}, {@code certChain},
 * {@code rootCerts}); the JSON is converted once here into immutable records. ambient4j's own ztunnel names a
 * few fields differently ({@code addresses}, {@code tunnelProtocol}, {@code healthy}, structured VIPs and
 * gateway destinations, SCREAMING_CASE enums, endpoints derived from each workload's {@code services});
 * both shapes parse to the same records, so the tables read either ztunnel.
 */
public record ConfigDump(
        List<Workload> workloads, List<Service> services, List<Policy> policies, List<Certificates> certificates) {

    public record Workload(
            String uid,
            String name,
            String namespace,
            List<String> workloadIps,
            String hostname,
            String node,
            String protocol,
            String status,
            String waypoint) {}

    public record Service(
            String name,
            String namespace,
            String hostname,
            List<String> vips,
            String waypoint,
            List<String> endpointWorkloadUids) {}

    public record Policy(String name, String namespace, String action, String scope) {}

    public record Cert(String serialNumber, String validFrom, String expirationTime) {}

    public record Certificates(String identity, String state, List<Cert> certChain, List<Cert> rootCerts) {}

    public static ConfigDump parse(String json) {
        Object root;
        try {
            root = new KubernetesSerialization().unmarshal(json, Object.class);
        } catch (RuntimeException e) {
            throw new IstioctlException(Reason.BAD_CONFIG_DUMP, "the config dump is not JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IstioctlException(Reason.BAD_CONFIG_DUMP, "the config dump is not a JSON object");
        }
        List<Workload> workloads = new ArrayList<>();
        for (Map<?, ?> w : objects(m.get("workloads"))) {
            workloads.add(new Workload(
                    str(w.get("uid")),
                    str(w.get("name")),
                    str(w.get("namespace")),
                    w.containsKey("workloadIps") ? strings(w.get("workloadIps")) : addresses(w.get("addresses")),
                    str(w.get("hostname")),
                    str(w.get("node")),
                    w.containsKey("protocol") ? str(w.get("protocol")) : protocol(w.get("tunnelProtocol")),
                    w.containsKey("status") ? str(w.get("status")) : health(w.get("healthy")),
                    destination(w.get("waypoint"))));
        }
        List<Service> services = new ArrayList<>();
        for (Map<?, ?> s : objects(m.get("services"))) {
            List<String> uids = new ArrayList<>();
            if (s.get("endpoints") instanceof Map<?, ?> eps) {
                for (Object ep : eps.values()) {
                    if (ep instanceof Map<?, ?> e) {
                        uids.add(str(e.get("workloadUid")));
                    }
                }
            } else {
                uids.addAll(
                        members(objects(m.get("workloads")), str(s.get("namespace")) + "/" + str(s.get("hostname"))));
            }
            services.add(new Service(
                    str(s.get("name")),
                    str(s.get("namespace")),
                    str(s.get("hostname")),
                    addresses(s.get("vips")),
                    destination(s.get("waypoint")),
                    List.copyOf(uids)));
        }
        List<Policy> policies = new ArrayList<>();
        for (Map<?, ?> p : objects(m.get("policies"))) {
            policies.add(new Policy(
                    str(p.get("name")),
                    str(p.get("namespace")),
                    pascal(str(p.get("action"))),
                    pascal(str(p.get("scope")))));
        }
        List<Certificates> certs = new ArrayList<>();
        for (Map<?, ?> c : objects(m.get("certificates"))) {
            certs.add(new Certificates(
                    str(c.get("identity")), str(c.get("state")), certs(c.get("certChain")), certs(c.get("rootCerts"))));
        }
        return new ConfigDump(List.copyOf(workloads), List.copyOf(services), List.copyOf(policies), List.copyOf(certs));
    }

    private static List<Cert> certs(Object o) {
        return objects(o).stream()
                .map(c -> new Cert(str(c.get("serialNumber")), str(c.get("validFrom")), str(c.get("expirationTime"))))
                .toList();
    }

    /**
     * A gateway's destination as upstream prints it: {@code <ns>/<hostname>} or {@code <network>/<ip>}. Upstream
     * serializes it as that string; ambient4j's ztunnel as an object with {@code namespace}/{@code hostname} or
     * {@code network}/{@code address}.
     */
    private static String destination(Object gatewayAddress) {
        if (!(gatewayAddress instanceof Map<?, ?> g) || g.get("destination") == null) {
            return null;
        }
        return g.get("destination") instanceof Map<?, ?> d ? qualified(d) : str(g.get("destination"));
    }

    private static String qualified(Map<?, ?> d) {
        return d.containsKey("hostname")
                ? str(d.get("namespace")) + "/" + str(d.get("hostname"))
                : str(d.get("network")) + "/" + str(d.get("address"));
    }

    /** Addresses as strings: plain IPs, {@code <network>/<ip>} strings, or {@code {network, address}} objects. */
    private static List<String> addresses(Object o) {
        if (!(o instanceof List<?> l)) {
            return List.of();
        }
        return l.stream()
                .map(a -> a instanceof Map<?, ?> m ? qualified(m) : String.valueOf(a))
                .toList();
    }

    /** The uids of the workloads whose {@code services} map names this service ({@code <ns>/<hostname>}). */
    private static List<String> members(List<Map<?, ?>> workloads, String serviceKey) {
        return workloads.stream()
                .filter(w -> w.get("services") instanceof Map<?, ?> svcs && svcs.containsKey(serviceKey))
                .map(w -> str(w.get("uid")))
                .sorted()
                .toList();
    }

    /** Upstream's inbound protocol names: HBONE for HBONE, TCP for everything else. */
    private static String protocol(Object tunnelProtocol) {
        return "HBONE".equals(str(tunnelProtocol)) ? "HBONE" : "TCP";
    }

    private static String health(Object healthy) {
        return Boolean.TRUE.equals(healthy) || "true".equals(str(healthy)) ? "Healthy" : "Unhealthy";
    }

    /** {@code WORKLOAD_SELECTOR} → {@code WorkloadSelector}; upstream's already-PascalCase names pass unchanged. */
    static String pascal(String enumName) {
        if (!enumName.equals(enumName.toUpperCase(java.util.Locale.ROOT))) {
            return enumName;
        }
        StringBuilder out = new StringBuilder();
        for (String part : enumName.toLowerCase(java.util.Locale.ROOT).split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static List<Map<?, ?>> objects(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IstioctlException(Reason.BAD_CONFIG_DUMP, "the config dump has a non-list section: " + o);
        }
        List<Map<?, ?>> out = new ArrayList<>();
        for (Object e : l) {
            if (e instanceof Map<?, ?> m) {
                out.add(m);
            }
        }
        return out;
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }
}
