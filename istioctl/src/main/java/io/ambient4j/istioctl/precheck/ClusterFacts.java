package io.ambient4j.istioctl.precheck;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What precheck reads from the cluster before judging it, so the judging ({@link Checks}) is pure.
 *
 * @param serverMajor Kubernetes major version ("1")
 * @param serverMinor Kubernetes minor version, possibly with a suffix ("32+")
 * @param crdVersions served versions per CRD name, for the Gateway API CRDs that exist
 * @param ciliumConfig data of kube-system/cilium-config, or null when Cilium is not installed
 * @param nodes the nodes' platform hints
 * @param existingCniNamespaces namespaces that already run an istio-cni-node DaemonSet
 */
public record ClusterFacts(
        String serverMajor,
        String serverMinor,
        Map<String, Set<String>> crdVersions,
        Map<String, String> ciliumConfig,
        List<NodeFacts> nodes,
        Set<String> existingCniNamespaces) {

    /** A node's operating system, kernel and the hints that reveal its platform. */
    public record NodeFacts(
            String name,
            String operatingSystem,
            String kernelVersion,
            String kubeletVersion,
            String providerId,
            Map<String, String> labels) {}
}
