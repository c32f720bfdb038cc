package io.ambient4j.istiod.ambient;

import com.google.protobuf.ByteString;
import io.ambient4j.api.workload.GatewayAddress;
import io.ambient4j.api.workload.NamespacedHostname;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewaySpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pure waypoint rules (spec §7.1–7.2): which Gateway is a ready waypoint, and which waypoint an object
 * binds to through {@code istio.io/use-waypoint} on itself or its namespace.
 */
public final class Waypoints {
    /** HBONE port published in every waypoint GatewayAddress. */
    public static final int HBONE_PORT = 15008;

    private Waypoints() {}

    /** {@link #fromGateway(Gateway, Map, List, String)} for a Gateway whose class carries no labels. */
    public static Optional<Waypoint> fromGateway(Gateway gw, List<String> serviceAccounts, String network) {
        return fromGateway(gw, Map.of(), serviceAccounts, network);
    }

    /**
     * The waypoint a Gateway stands for, or empty until {@code status.addresses} is set (a waypoint with no
     * address is not ready and is never bound). A hostname address is preferred over an IP.
     *
     * @param classLabels labels of the Gateway's GatewayClass (empty when the class is unknown): its
     *     {@code istio.io/waypoint-for} is the default traffic type
     */
    public static Optional<Waypoint> fromGateway(
            Gateway gw, Map<String, String> classLabels, List<String> serviceAccounts, String network) {
        var status = gw.getStatus();
        if (status == null || status.addresses == null || status.addresses.isEmpty()) {
            return Optional.empty();
        }
        String ns = gw.getMetadata().getNamespace();
        GatewayAddress address = null;
        for (var a : status.addresses) {
            if ("Hostname".equals(a.type) && a.value != null) {
                address = GatewayAddress.newBuilder()
                        .setHostname(
                                NamespacedHostname.newBuilder().setNamespace(ns).setHostname(a.value))
                        .setHboneMtlsPort(HBONE_PORT)
                        .build();
                break;
            }
        }
        if (address == null) {
            for (var a : status.addresses) {
                if ((a.type == null || "IPAddress".equals(a.type)) && a.value != null) {
                    Optional<byte[]> ip = IpAddresses.parse(a.value);
                    if (ip.isEmpty()) {
                        continue;
                    }
                    address = GatewayAddress.newBuilder()
                            .setAddress(NetworkAddress.newBuilder()
                                    .setNetwork(network)
                                    .setAddress(ByteString.copyFrom(ip.get())))
                            .setHboneMtlsPort(HBONE_PORT)
                            .build();
                    break;
                }
            }
        }
        if (address == null) {
            return Optional.empty();
        }
        String trafficType = trafficType(gw.getMetadata().getLabels(), classLabels);
        String from = "Same";
        io.fabric8.kubernetes.api.model.LabelSelector selector = null;
        GatewaySpec spec = gw.getSpec();
        if (spec != null && spec.listeners != null) {
            for (var l : spec.listeners) {
                if ("HBONE".equals(l.protocol) && l.port != null && l.port == HBONE_PORT) {
                    if (l.allowedRoutes != null && l.allowedRoutes.namespaces != null) {
                        if (l.allowedRoutes.namespaces.from != null) {
                            from = l.allowedRoutes.namespaces.from;
                        }
                        selector = l.allowedRoutes.namespaces.selector;
                    }
                    break;
                }
            }
        }
        return Optional.of(new Waypoint(
                ns,
                gw.getMetadata().getName(),
                address,
                trafficType,
                serviceAccounts.stream().sorted().toList(),
                from,
                selector));
    }

    /**
     * {@code istio.io/waypoint-for}: the Gateway's own label, else its GatewayClass's, else {@code service}.
     * A label present with any value wins (upstream does not validate it here).
     */
    public static String trafficType(Map<String, String> gatewayLabels, Map<String, String> classLabels) {
        String own = Selectors.orEmpty(gatewayLabels).get(Labels.WAYPOINT_FOR);
        if (own != null) {
            return own;
        }
        return Selectors.orEmpty(classLabels).getOrDefault(Labels.WAYPOINT_FOR, Labels.TRAFFIC_SERVICE);
    }

    /** What an object's {@code istio.io/use-waypoint} label says. */
    public sealed interface UseWaypoint {
        /** No label. */
        record Absent() implements UseWaypoint {}

        /** {@code none}: explicit opt-out. */
        record None() implements UseWaypoint {}

        /** A waypoint {@code namespace/name}. */
        record Named(String namespace, String name) implements UseWaypoint {
            public String key() {
                return namespace + "/" + name;
            }
        }
    }

    /** Parses {@code istio.io/use-waypoint} (+ {@code -namespace}) with {@code defaultNamespace} as fallback. */
    public static UseWaypoint useWaypoint(Map<String, String> labels, String defaultNamespace) {
        String v = Selectors.orEmpty(labels).get(Labels.USE_WAYPOINT);
        if (v == null) {
            return new UseWaypoint.Absent();
        }
        if ("none".equals(v)) {
            return new UseWaypoint.None();
        }
        String ns = Selectors.orEmpty(labels).getOrDefault(Labels.USE_WAYPOINT_NAMESPACE, defaultNamespace);
        return new UseWaypoint.Named(ns, v);
    }

    /**
     * A binding decision: the waypoint (or null) and, when a requested binding failed, why (a
     * {@link BindingStatus} reason and upstream's message).
     */
    public record Binding(Waypoint waypoint, String reason, String error) {
        static final Binding NONE = new Binding(null, null, null);

        GatewayAddress address() {
            return waypoint == null ? null : waypoint.address();
        }

        static Binding notReady(String key) {
            return new Binding(null, BindingStatus.REASON_NOT_READY, "waypoint \"" + key + "\" is not ready");
        }

        static Binding denied(String key) {
            return new Binding(
                    null,
                    BindingStatus.REASON_ATTACHMENT_DENIED,
                    "we are not permitted to attach to waypoint \"" + key + "\" (missing allowedRoutes?)");
        }

        static Binding unsupported(String key, String trafficType) {
            return new Binding(
                    null,
                    BindingStatus.REASON_UNSUPPORTED_TRAFFIC,
                    "attempting to bind to traffic type \"" + trafficType + "\" which the waypoint \"" + key
                            + "\" does not support");
        }

        /**
         * The {@code istio.io/WaypointBound} condition for this decision: true when bound (with
         * {@code boundSuffix} appended to the message), false with the reason when a requested binding failed,
         * null when no waypoint was asked for.
         */
        public BindingStatus condition(long generation, String boundSuffix) {
            if (waypoint != null) {
                return new BindingStatus(
                        true,
                        BindingStatus.REASON_ACCEPTED,
                        "Successfully attached to waypoint " + waypoint.key() + boundSuffix,
                        generation);
            }
            return reason == null ? null : new BindingStatus(false, reason, error, generation);
        }
    }

    /** The waypoint named by the object's own label, else its namespace's label; null if none. */
    static Binding forTarget(
            ObjectMeta meta, Map<String, String> nsLabels, Map<String, Waypoint> waypoints, boolean[] fromNamespace) {
        String ns = meta.getNamespace();
        UseWaypoint own = useWaypoint(meta.getLabels(), ns);
        if (own instanceof UseWaypoint.None) {
            return Binding.NONE;
        }
        UseWaypoint chosen = own;
        if (own instanceof UseWaypoint.Absent) {
            chosen = useWaypoint(nsLabels, ns);
            fromNamespace[0] = true;
        }
        if (chosen instanceof UseWaypoint.Named n) {
            Waypoint w = waypoints.get(n.key());
            if (w == null) {
                return Binding.notReady(n.key());
            }
            if (!w.allowsAttachmentFrom(ns, nsLabels)) {
                return Binding.denied(n.key());
            }
            return new Binding(w, null, null);
        }
        return Binding.NONE;
    }

    /**
     * The waypoint of a Service or ServiceEntry. Waypoint and east-west gateway Services never get one; a
     * waypoint that does not serve service traffic is refused.
     */
    public static Binding forService(ObjectMeta meta, Map<String, String> nsLabels, Map<String, Waypoint> waypoints) {
        String managed = Selectors.orEmpty(meta.getLabels()).get(Labels.GATEWAY_MANAGED);
        if (Labels.MANAGED_MESH_CONTROLLER.equals(managed) || Labels.MANAGED_EAST_WEST_CONTROLLER.equals(managed)) {
            return Binding.NONE;
        }
        Binding b = forTarget(meta, nsLabels, waypoints, new boolean[1]);
        if (b.waypoint() != null && !b.waypoint().servesServices()) {
            return Binding.unsupported(b.waypoint().key(), Labels.TRAFFIC_SERVICE);
        }
        return b;
    }

    /**
     * The waypoint of a Pod or WorkloadEntry. A namespace label pointing at a service-only waypoint is
     * silently skipped; the object's own label gets an error instead.
     */
    public static Binding forWorkload(ObjectMeta meta, Map<String, String> nsLabels, Map<String, Waypoint> waypoints) {
        boolean[] fromNs = new boolean[1];
        Binding b = forTarget(meta, nsLabels, waypoints, fromNs);
        if (b.waypoint() != null && !b.waypoint().servesWorkloads()) {
            return fromNs[0] ? Binding.NONE : Binding.unsupported(b.waypoint().key(), Labels.TRAFFIC_WORKLOAD);
        }
        return b;
    }

    /**
     * The condition for a Service or ServiceEntry, with upstream's note on ingress traffic when bound.
     *
     * @return the condition, or null when the object asks for no waypoint
     */
    public static BindingStatus serviceCondition(
            ObjectMeta meta, Map<String, String> nsLabels, Map<String, Waypoint> waypoints) {
        Binding b = forService(meta, nsLabels, waypoints);
        boolean[] ingress = ingressUseWaypoint(meta.getLabels(), nsLabels);
        String suffix = ingress[1]
                ? ". Ingress traffic will traverse the waypoint"
                : ingress[0]
                        ? ". Ingress traffic is not using the waypoint, set the istio.io/ingress-use-waypoint label"
                                + " to true if desired."
                        : "";
        return b.condition(generation(meta), suffix);
    }

    /** The condition for a WorkloadEntry (labels already merged with its spec labels). */
    public static BindingStatus workloadCondition(
            ObjectMeta meta, Map<String, String> nsLabels, Map<String, Waypoint> waypoints) {
        return forWorkload(meta, nsLabels, waypoints).condition(generation(meta), "");
    }

    private static long generation(ObjectMeta meta) {
        return meta.getGeneration() == null ? 0 : meta.getGeneration();
    }

    /** True when the pod is an instance of a known waypoint (it then never gets a waypoint itself). */
    public static boolean isWaypointInstance(ObjectMeta meta, Map<String, Waypoint> waypoints) {
        String gwName = Selectors.orEmpty(meta.getLabels()).get(Labels.GATEWAY_NAME);
        return gwName != null && waypoints.containsKey(meta.getNamespace() + "/" + gwName);
    }

    /**
     * {@code istio.io/ingress-use-waypoint}: the Service label wins over the namespace label; any value
     * that does not parse as a boolean counts as present but false.
     *
     * @return {present, use}
     */
    public static boolean[] ingressUseWaypoint(Map<String, String> serviceLabels, Map<String, String> nsLabels) {
        String v = Selectors.orEmpty(serviceLabels).get(Labels.INGRESS_USE_WAYPOINT);
        if (v == null) {
            v = Selectors.orEmpty(nsLabels).get(Labels.INGRESS_USE_WAYPOINT);
        }
        if (v == null) {
            return new boolean[] {false, false};
        }
        return new boolean[] {true, parseGoBool(v)};
    }

    /** Go's strconv.ParseBool true values. */
    static boolean parseGoBool(String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> false;
        };
    }
}
