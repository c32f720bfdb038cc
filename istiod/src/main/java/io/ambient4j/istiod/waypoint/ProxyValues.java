package io.ambient4j.istiod.waypoint;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/**
 * The chart values the waypoint template reads, taken from the {@code values} key of the
 * {@code istio-sidecar-injector} ConfigMap the istiod chart renders, so {@code helm upgrade --set
 * global.tag=...} changes the waypoint image without restarting istiod. Missing keys take the chart's defaults.
 *
 * @param image the proxy image, {@code <hub>/<image>:<tag>[-<variant>]} unless {@code global.proxy.image}
 *     already names a repository
 * @param imagePullPolicy {@code global.imagePullPolicy}, or empty
 * @param clusterDomain {@code global.proxy.clusterDomain}
 * @param proxyLogLevel {@code global.proxy.logLevel}
 * @param componentLogLevel {@code global.proxy.componentLogLevel}
 * @param agentLogLevel {@code global.logging.level}
 * @param pilotCertProvider {@code global.pilotCertProvider}
 * @param caAddress {@code global.caAddress}, default {@code istiod[-rev].<istio ns>.svc:15012}
 * @param clusterId {@code global.multiCluster.clusterName}, default {@code Kubernetes}
 * @param trustDomain {@code global.trustDomain}, or empty
 * @param network {@code global.network}, or empty
 * @param revision {@code revision}, or empty for the default revision
 */
public record ProxyValues(
        String image,
        String imagePullPolicy,
        String clusterDomain,
        String proxyLogLevel,
        String componentLogLevel,
        String agentLogLevel,
        String pilotCertProvider,
        String caAddress,
        String clusterId,
        String trustDomain,
        String network,
        String revision) {

    /** The ConfigMap istiod reads the values from. */
    public static final String CONFIG_MAP = "istio-sidecar-injector";

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** The chart's defaults, for an istiod whose injector ConfigMap is absent. */
    public static ProxyValues defaults(String istioNamespace) {
        return parse("{}", istioNamespace);
    }

    /**
     * Parses the {@code values} JSON.
     *
     * @throws WaypointException with {@link WaypointException.Reason#BAD_INJECTOR_VALUES} if it is not JSON
     */
    public static ProxyValues parse(String valuesJson, String istioNamespace) {
        Map<?, ?> root;
        try {
            root = JSON.unmarshal(valuesJson, Map.class);
        } catch (RuntimeException e) {
            throw new WaypointException(
                    WaypointException.Reason.BAD_INJECTOR_VALUES,
                    CONFIG_MAP + " key 'values' is not JSON: " + e.getMessage());
        }
        Map<?, ?> global = map(root, "global");
        Map<?, ?> proxy = map(global, "proxy");
        String hub = str(global, "hub", "registry.istio.io/testing");
        String tag = str(global, "tag", "latest");
        String variant = str(global, "variant", "");
        String image = str(proxy, "image", "proxyv2");
        if (!image.contains("/")) {
            image = hub + "/" + image + ":" + tag + (variant.isEmpty() ? "" : "-" + variant);
        }
        String revision = str(root, "revision", "");
        String ns = str(global, "istioNamespace", istioNamespace);
        String ca = str(global, "caAddress", "");
        if (ca.isEmpty()) {
            ca = "istiod" + (revision.isEmpty() ? "" : "-" + revision) + "." + ns + ".svc:15012";
        }
        String cluster = str(map(global, "multiCluster"), "clusterName", "");
        return new ProxyValues(
                image,
                str(global, "imagePullPolicy", ""),
                str(proxy, "clusterDomain", "cluster.local"),
                str(proxy, "logLevel", "warning"),
                str(proxy, "componentLogLevel", "misc:error"),
                str(map(global, "logging"), "level", "default:info"),
                str(global, "pilotCertProvider", "istiod"),
                ca,
                cluster.isEmpty() ? "Kubernetes" : cluster,
                str(global, "trustDomain", ""),
                str(global, "network", ""),
                revision);
    }

    private static Map<?, ?> map(Map<?, ?> m, String key) {
        return m != null && m.get(key) instanceof Map<?, ?> v ? v : Map.of();
    }

    private static String str(Map<?, ?> m, String key, String fallback) {
        Object v = m == null ? null : m.get(key);
        return v == null || String.valueOf(v).isEmpty() ? fallback : String.valueOf(v);
    }
}
