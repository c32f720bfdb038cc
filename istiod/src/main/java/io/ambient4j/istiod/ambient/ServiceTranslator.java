package io.ambient4j.istiod.ambient;

import com.google.protobuf.ByteString;
import io.ambient4j.api.workload.AppProtocol;
import io.ambient4j.api.workload.IPFamilies;
import io.ambient4j.api.workload.LoadBalancing;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.Service;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.ServiceEntrySpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes Service and ServiceEntry → {@code istio.workload.Service} (upstream {@code services.go}).
 * Pure: everything it reads is passed in.
 */
public final class ServiceTranslator {
    private static final Set<Integer> WELL_KNOWN_TCP_PORTS = Set.of(25, 53, 3306, 27017);

    private ServiceTranslator() {}

    /** A Kubernetes Service; empty for ExternalName Services. */
    public static Optional<ServiceInfo> fromService(
            io.fabric8.kubernetes.api.model.Service s,
            Namespace ns,
            Map<String, Waypoint> waypoints,
            MeshSettings mesh) {
        var spec = s.getSpec();
        if (spec == null || "ExternalName".equals(spec.getType())) {
            return Optional.empty();
        }
        var meta = s.getMetadata();
        Map<String, String> nsLabels =
                ns == null ? Map.of() : Selectors.orEmpty(ns.getMetadata().getLabels());
        Map<String, String> nsAnnotations =
                ns == null ? Map.of() : Selectors.orEmpty(ns.getMetadata().getAnnotations());
        Map<Integer, ServiceInfo.PortName> portNames = new HashMap<>();
        Service.Builder b = Service.newBuilder()
                .setName(meta.getName())
                .setNamespace(meta.getNamespace())
                .setHostname(meta.getName() + "." + meta.getNamespace() + ".svc." + mesh.domainSuffix())
                .setCanonical(true);
        for (ServicePort p : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
            int port = p.getPort() == null ? 0 : p.getPort();
            var tp = p.getTargetPort();
            // Kubernetes: an unset targetPort is the port (the API server defaults it; a mock API may not have)
            int target = tp == null ? port : tp.getIntVal() != null ? tp.getIntVal() : 0;
            String targetName = tp != null && tp.getStrVal() != null ? tp.getStrVal() : "";
            portNames.put(port, new ServiceInfo.PortName(p.getName() == null ? "" : p.getName(), targetName));
            b.addPorts(Port.newBuilder()
                    .setServicePort(port)
                    .setTargetPort(target)
                    .setAppProtocol(appProtocolFromKube(port, p.getName(), p.getProtocol(), p.getAppProtocol())));
        }
        List<String> ips = spec.getClusterIPs() == null || spec.getClusterIPs().isEmpty()
                ? (spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP()))
                : spec.getClusterIPs();
        for (String ip : ips) {
            if (ip.isEmpty() || "None".equals(ip)) {
                continue;
            }
            Optional<byte[]> parsed = IpAddresses.parse(ip);
            if (parsed.isEmpty()) {
                throw new TranslationException(
                        TranslationException.Reason.INVALID_ADDRESS,
                        "Service " + meta.getNamespace() + "/" + meta.getName() + ": clusterIP \"" + ip
                                + "\" is not an IP address");
            }
            b.addAddresses(NetworkAddress.newBuilder()
                    .setNetwork(mesh.network())
                    .setAddress(ByteString.copyFrom(parsed.get())));
        }
        LoadBalancing.Builder lb = null;
        if ("Local".equals(spec.getInternalTrafficPolicy())) {
            lb = LoadBalancing.newBuilder()
                    .addRoutingPreference(LoadBalancing.Scope.NODE)
                    .setMode(LoadBalancing.Mode.STRICT);
        } else {
            lb = trafficDistribution(
                    spec.getTrafficDistribution(), Selectors.orEmpty(meta.getAnnotations()), nsAnnotations);
        }
        if (Boolean.TRUE.equals(spec.getPublishNotReadyAddresses())) {
            if (lb == null) {
                lb = LoadBalancing.newBuilder();
            }
            lb.setHealthPolicy(LoadBalancing.HealthPolicy.ALLOW_ALL);
        }
        if (lb != null) {
            b.setLoadBalancing(lb);
        }
        List<String> families = spec.getIpFamilies() == null ? List.of() : spec.getIpFamilies();
        if (families.size() == 2) {
            b.setIpFamilies(IPFamilies.DUAL);
        } else if (families.size() == 1) {
            b.setIpFamilies("IPv4".equals(families.getFirst()) ? IPFamilies.IPV4_ONLY : IPFamilies.IPV6_ONLY);
        }
        Waypoints.Binding wp = Waypoints.forService(meta, nsLabels, waypoints);
        if (wp.waypoint() != null) {
            b.setWaypoint(wp.address());
            b.setIngressUseWaypoint(Waypoints.ingressUseWaypoint(meta.getLabels(), nsLabels)[1]);
        }
        return Optional.of(new ServiceInfo(
                b.build(),
                Selectors.orEmpty(spec.getSelector()),
                portNames,
                false,
                "Service/" + meta.getNamespace() + "/" + meta.getName(),
                wp.waypoint() == null ? null : wp.waypoint().key(),
                Objects.requireNonNullElse(meta.getCreationTimestamp(), "")));
    }

    /** One Service per {@code spec.hosts} entry of a ServiceEntry. */
    public static List<ServiceInfo> fromServiceEntry(
            ServiceEntry se, Namespace ns, Map<String, Waypoint> waypoints, MeshSettings mesh) {
        return fromServiceEntry(se, ns, waypoints, mesh, VipAllocator.PURE);
    }

    /** As above, with {@code vips} handing out auto-allocated addresses. */
    public static List<ServiceInfo> fromServiceEntry(
            ServiceEntry se, Namespace ns, Map<String, Waypoint> waypoints, MeshSettings mesh, VipAllocator vips) {
        var meta = se.getMetadata();
        ServiceEntrySpec spec = se.getSpec();
        if (spec == null || spec.hosts == null) {
            return List.of();
        }
        String id = "ServiceEntry " + meta.getNamespace() + "/" + meta.getName();
        Map<String, String> nsLabels =
                ns == null ? Map.of() : Selectors.orEmpty(ns.getMetadata().getLabels());
        Map<String, String> nsAnnotations =
                ns == null ? Map.of() : Selectors.orEmpty(ns.getMetadata().getAnnotations());
        List<NetworkAddress> addresses = new ArrayList<>();
        for (String a : spec.addresses == null ? List.<String>of() : spec.addresses) {
            var cidr = IpAddresses.parseCidr(a, true)
                    .orElseThrow(() -> new TranslationException(
                            TranslationException.Reason.INVALID_ADDRESS,
                            id + ": address \"" + a + "\" is not an IP or CIDR"));
            NetworkAddress.Builder na = NetworkAddress.newBuilder()
                    .setNetwork(mesh.network())
                    .setAddress(ByteString.copyFrom(cidr.address()));
            if (!cidr.single()) {
                na.setLength(cidr.length());
            }
            addresses.add(na.build());
        }
        String resolution = spec.resolution == null ? "NONE" : spec.resolution;
        List<Port> ports = new ArrayList<>();
        Map<Integer, ServiceInfo.PortName> portNames = new HashMap<>();
        for (var p : spec.ports == null ? List.<ServiceEntrySpec.ServicePort>of() : spec.ports) {
            if (p.number == null || p.number <= 0 || p.number > 65535) {
                throw new TranslationException(
                        TranslationException.Reason.INVALID_PORT, id + ": port number " + p.number + " is invalid");
            }
            int target = p.targetPort == null || p.targetPort == 0 ? p.number : p.targetPort;
            portNames.put(p.number, new ServiceInfo.PortName(p.name == null ? "" : p.name, ""));
            ports.add(Port.newBuilder()
                    .setServicePort(p.number)
                    .setTargetPort(target)
                    .setAppProtocol(appProtocol(p.protocol == null ? "" : p.protocol))
                    .build());
        }
        LoadBalancing lb = null;
        if ("NONE".equals(resolution)) {
            lb = LoadBalancing.newBuilder()
                    .setMode(LoadBalancing.Mode.PASSTHROUGH)
                    .setHealthPolicy(LoadBalancing.HealthPolicy.ALLOW_ALL)
                    .build();
        } else {
            var b = trafficDistribution(null, Selectors.orEmpty(meta.getAnnotations()), nsAnnotations);
            lb = b == null ? null : b.build();
        }
        boolean autoAllocate = !"NONE".equals(resolution)
                && addresses.isEmpty()
                && !"false".equalsIgnoreCase(Selectors.orEmpty(meta.getLabels()).get(Labels.AUTOALLOCATE_IP));
        Map<String, List<byte[]>> statusAddresses = new HashMap<>();
        if (se.getStatus() != null && se.getStatus().addresses != null) {
            for (var a : se.getStatus().addresses) {
                IpAddresses.parse(a.value)
                        .ifPresent(ip -> statusAddresses
                                .computeIfAbsent(a.host, k -> new ArrayList<>())
                                .add(ip));
            }
        }
        Waypoints.Binding wp = Waypoints.forService(meta, nsLabels, waypoints);
        Map<String, String> selector =
                spec.workloadSelector == null ? Map.of() : Selectors.orEmpty(spec.workloadSelector.labels);
        List<ServiceInfo> out = new ArrayList<>();
        for (String host : spec.hosts) {
            Service.Builder b = Service.newBuilder()
                    .setName(meta.getName())
                    .setNamespace(meta.getNamespace())
                    .setHostname(host)
                    .addAllAddresses(addresses)
                    .addAllPorts(ports);
            if (spec.subjectAltNames != null) {
                b.addAllSubjectAltNames(spec.subjectAltNames);
            }
            boolean wildcard = host.startsWith("*");
            if (addresses.isEmpty() && autoAllocate && (!wildcard || "DYNAMIC_DNS".equals(resolution))) {
                List<byte[]> assigned = statusAddresses.get(host);
                if (assigned == null) {
                    assigned = List.of(vips.allocate(meta.getNamespace() + "/" + meta.getName() + "/" + host));
                }
                for (byte[] ip : assigned) {
                    b.addAddresses(NetworkAddress.newBuilder()
                            .setNetwork(mesh.network())
                            .setAddress(ByteString.copyFrom(ip)));
                }
            }
            if (lb != null) {
                b.setLoadBalancing(lb);
            }
            if (wp.waypoint() != null) {
                b.setWaypoint(wp.address());
                b.setIngressUseWaypoint(Waypoints.ingressUseWaypoint(meta.getLabels(), nsLabels)[1]);
            }
            out.add(new ServiceInfo(
                    b.build(),
                    selector,
                    portNames,
                    true,
                    "ServiceEntry/" + meta.getNamespace() + "/" + meta.getName(),
                    wp.waypoint() == null ? null : wp.waypoint().key(),
                    Objects.requireNonNullElse(meta.getCreationTimestamp(), "")));
        }
        return out;
    }

    /** {@code trafficDistribution} (spec, then Service annotation, then namespace annotation). */
    static LoadBalancing.Builder trafficDistribution(
            String specValue, Map<String, String> svcAnnotations, Map<String, String> nsAnnotations) {
        String v = null;
        if (specValue != null && !specValue.isEmpty()) {
            v = specValue;
        } else if (svcAnnotations.containsKey(Labels.TRAFFIC_DISTRIBUTION)
                && !svcAnnotations.get(Labels.TRAFFIC_DISTRIBUTION).isEmpty()) {
            v = svcAnnotations.get(Labels.TRAFFIC_DISTRIBUTION);
        } else if (nsAnnotations.containsKey(Labels.TRAFFIC_DISTRIBUTION)
                && !nsAnnotations.get(Labels.TRAFFIC_DISTRIBUTION).isEmpty()) {
            v = nsAnnotations.get(Labels.TRAFFIC_DISTRIBUTION);
        }
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "preferclose", "prefersamezone" ->
                LoadBalancing.newBuilder()
                        .addRoutingPreference(LoadBalancing.Scope.NETWORK)
                        .addRoutingPreference(LoadBalancing.Scope.REGION)
                        .addRoutingPreference(LoadBalancing.Scope.ZONE)
                        .setMode(LoadBalancing.Mode.FAILOVER);
            case "prefersamenode" ->
                LoadBalancing.newBuilder()
                        .addRoutingPreference(LoadBalancing.Scope.NETWORK)
                        .addRoutingPreference(LoadBalancing.Scope.REGION)
                        .addRoutingPreference(LoadBalancing.Scope.ZONE)
                        .addRoutingPreference(LoadBalancing.Scope.SUBZONE)
                        .addRoutingPreference(LoadBalancing.Scope.NODE)
                        .setMode(LoadBalancing.Mode.FAILOVER);
            default -> null;
        };
    }

    /** Kubernetes port → app protocol: UDP, appProtocol, then the port-name prefix (upstream ConvertProtocol). */
    static AppProtocol appProtocolFromKube(int port, String name, String protocol, String appProtocol) {
        if ("UDP".equals(protocol)) {
            return AppProtocol.UNKNOWN;
        }
        String n = name == null ? "" : name;
        if (appProtocol != null) {
            switch (appProtocol) {
                case "kubernetes.io/h2c":
                    return AppProtocol.HTTP2;
                case "kubernetes.io/ws":
                    return AppProtocol.HTTP11;
                case "kubernetes.io/wss":
                    return AppProtocol.TLS;
                default:
                    n = appProtocol;
            }
        }
        if (n.regionMatches(true, 0, "grpc-web", 0, 8)) {
            return AppProtocol.UNKNOWN;
        }
        int dash = n.indexOf('-');
        if (dash >= 0) {
            n = n.substring(0, dash);
        }
        AppProtocol p = appProtocol(n);
        if (p == AppProtocol.UNKNOWN && !isKnownProtocol(n) && WELL_KNOWN_TCP_PORTS.contains(port)) {
            return AppProtocol.TCP;
        }
        return p;
    }

    private static boolean isKnownProtocol(String n) {
        return switch (n.toLowerCase(Locale.ROOT)) {
            case "udp", "grpc-web", "http_proxy", "mongo", "redis", "mysql" -> true;
            default -> false;
        };
    }

    /** Istio protocol name → app protocol (HTTPS and TLS both map to TLS). */
    static AppProtocol appProtocol(String protocol) {
        return switch (protocol.toLowerCase(Locale.ROOT)) {
            case "http" -> AppProtocol.HTTP11;
            case "http2" -> AppProtocol.HTTP2;
            case "grpc" -> AppProtocol.GRPC;
            case "tls", "https" -> AppProtocol.TLS;
            case "tcp" -> AppProtocol.TCP;
            default -> AppProtocol.UNKNOWN;
        };
    }

    /**
     * Resolves Services that share one hostname (upstream {@code selectWorkloadServices}): per namespace a
     * Kubernetes Service beats any ServiceEntry, else the oldest ServiceEntry wins; exactly one winner is
     * {@code canonical} (the Kubernetes Service if there is one, else the oldest ServiceEntry).
     *
     * @return the winning Services keyed {@code ns/hostname}, canonical flag set
     */
    public static Map<String, Service> selectByHostname(List<ServiceInfo> sameHost) {
        java.util.Comparator<ServiceInfo> better = java.util.Comparator.comparing(
                        (ServiceInfo i) -> i.fromServiceEntry())
                .thenComparing(i -> i.created().isEmpty() ? "~" : i.created())
                .thenComparing(ServiceInfo::sourceKey);
        Map<String, ServiceInfo> best = new java.util.TreeMap<>();
        for (ServiceInfo i : sameHost) {
            best.merge(i.service().getNamespace(), i, (a, b) -> better.compare(a, b) <= 0 ? a : b);
        }
        ServiceInfo canonical = best.values().stream().min(better).orElse(null);
        Map<String, Service> out = new java.util.LinkedHashMap<>();
        for (ServiceInfo i : best.values()) {
            Service s = i.service();
            boolean isCanonical = i == canonical;
            if (s.getCanonical() != isCanonical) {
                s = s.toBuilder().setCanonical(isCanonical).build();
            }
            out.put(i.key(), s);
        }
        return out;
    }
}
