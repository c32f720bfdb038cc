package io.ambient4j.istiod.waypoint;

import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewaySpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders a waypoint's ServiceAccount and Service (pure). The Service carries the status port 15021 and one
 * port per distinct listener port (15008 {@code mesh}, appProtocol {@code hbone}, for a standard waypoint),
 * {@code PreferDualStack}, and {@code networking.istio.io/traffic-distribution: PreferClose} so ztunnel
 * keeps traffic to a same-zone waypoint.
 */
public final class WaypointService {
    public static final String TRAFFIC_DISTRIBUTION = "networking.istio.io/traffic-distribution";
    public static final int STATUS_PORT = 15021;

    private WaypointService() {}

    public static ServiceAccount serviceAccount(Gateway gw) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(WaypointNames.serviceAccount(gw))
                .withNamespace(gw.getMetadata().getNamespace())
                .withAnnotations(WaypointNames.infrastructureAnnotations(gw))
                .withLabels(WaypointNames.gatewayLabels(gw))
                .withOwnerReferences(WaypointNames.ownedBy(gw))
                .endMetadata()
                .build();
    }

    public static Service service(Gateway gw) {
        Map<String, String> annotations = new TreeMap<>(WaypointNames.infrastructureAnnotations(gw));
        annotations.putIfAbsent(TRAFFIC_DISTRIBUTION, "PreferClose");
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(WaypointNames.deploymentName(gw))
                .withNamespace(gw.getMetadata().getNamespace())
                .withAnnotations(annotations)
                .withLabels(WaypointNames.gatewayLabels(gw))
                .withOwnerReferences(WaypointNames.ownedBy(gw))
                .endMetadata()
                .withNewSpec()
                .withIpFamilyPolicy("PreferDualStack")
                .withType("ClusterIP")
                .withSelector(
                        Map.of(WaypointNames.GATEWAY_NAME, gw.getMetadata().getName()))
                .withPorts(ports(gw))
                .endSpec()
                .build();
    }

    /** Status port first, then each distinct listener port in listener order. */
    static List<ServicePort> ports(Gateway gw) {
        List<ServicePort> out = new ArrayList<>();
        out.add(port("status-port", STATUS_PORT, "tcp"));
        Set<Integer> seen = new HashSet<>(Set.of(STATUS_PORT));
        List<GatewaySpec.Listener> listeners = gw.getSpec().listeners == null ? List.of() : gw.getSpec().listeners;
        for (int i = 0; i < listeners.size(); i++) {
            GatewaySpec.Listener l = listeners.get(i);
            if (l.port == null || l.port < 1 || l.port > 65535) {
                throw new WaypointException(
                        WaypointException.Reason.INVALID_GATEWAY,
                        "Gateway " + gw.getMetadata().getNamespace() + "/"
                                + gw.getMetadata().getName() + " spec.listeners[" + i + "].port " + l.port
                                + " is not in 1-65535");
            }
            if (!seen.add(l.port)) {
                continue;
            }
            String protocol = l.protocol == null ? "tcp" : l.protocol.toLowerCase(Locale.ROOT);
            String name = portName(l.name);
            out.add(port(name.isEmpty() ? protocol + "-" + i : name, l.port, protocol));
        }
        return out;
    }

    /** A listener name as a Service port name: lower case, only [a-z0-9-], at most 15 characters. */
    static String portName(String listener) {
        if (listener == null) {
            return "";
        }
        String s = listener.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        s = s.length() > 15 ? s.substring(0, 15) : s;
        return s.replaceAll("^-+|-+$", "");
    }

    private static ServicePort port(String name, int port, String appProtocol) {
        return new ServicePortBuilder()
                .withName(name)
                .withPort(port)
                .withProtocol("TCP")
                .withAppProtocol(appProtocol)
                .build();
    }
}
