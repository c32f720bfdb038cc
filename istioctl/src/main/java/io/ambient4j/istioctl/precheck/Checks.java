package io.ambient4j.istioctl.precheck;

import io.ambient4j.istioctl.precheck.ClusterFacts.NodeFacts;
import io.ambient4j.istioctl.precheck.Finding.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The judgements of {@code istioctl x precheck} for an ambient install, as pure functions of
 * {@link ClusterFacts} (and, for the node-local check, of the kernel's module lists). Codes IST0142
 * and IST0156 are upstream's; the AMB codes are ambient4j's own for checks upstream leaves to the
 * platform-prerequisites page.
 */
public final class Checks {
    /** Upstream istioctl's minimum Kubernetes minor version (k8sversion.MinK8SVersion). */
    public static final int MIN_K8S_MINOR = 32;

    public static final String GATEWAYS_CRD = "gateways.gateway.networking.k8s.io";
    static final List<String> GATEWAY_API_CRDS =
            List.of("gatewayclasses.gateway.networking.k8s.io", GATEWAYS_CRD, "httproutes.gateway.networking.k8s.io");

    /** Modules the in-pod iptables rules and the host probe rule use (IPv4; nft-backed iptables uses them too). */
    public static final List<String> KERNEL_MODULES = List.of(
            "ip_tables",
            "iptable_nat",
            "iptable_mangle",
            "iptable_raw",
            "nf_nat",
            "nf_conntrack",
            "xt_REDIRECT",
            "xt_connmark",
            "xt_mark",
            "xt_conntrack",
            "xt_tcpudp");

    private Checks() {}

    public static List<Finding> all(ClusterFacts f) {
        List<Finding> out = new ArrayList<>();
        out.addAll(kubernetesVersion(f.serverMajor(), f.serverMinor()));
        out.addAll(gatewayApi(f.crdVersions()));
        out.addAll(cilium(f.ciliumConfig()));
        out.addAll(existingCni(f.existingCniNamespaces()));
        out.addAll(nodes(f.nodes()));
        return out;
    }

    static List<Finding> kubernetesVersion(String major, String minor) {
        String digits = minor == null ? "" : minor.replaceAll("[^0-9].*$", "");
        if (!"1".equals(major) || digits.isEmpty()) {
            return List.of(new Finding(
                    Level.Warning, "AMB0001", "cannot tell the Kubernetes version (" + major + "." + minor + ")"));
        }
        int m = Integer.parseInt(digits);
        if (m < MIN_K8S_MINOR) {
            return List.of(new Finding(
                    Level.Error,
                    "IST0142",
                    "The Kubernetes Version \"1." + m + "\" is lower than the minimum version: 1." + MIN_K8S_MINOR));
        }
        return List.of();
    }

    static List<Finding> gatewayApi(Map<String, Set<String>> crdVersions) {
        if (!crdVersions.containsKey(GATEWAYS_CRD)) {
            return List.of(
                    new Finding(
                            Level.Warning,
                            "AMB0002",
                            "The Kubernetes Gateway API CRDs are not installed (" + GATEWAYS_CRD
                                    + " is missing): waypoints"
                                    + " need them. Install the standard channel first: kubectl kustomize"
                                    + " \"github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.4.0\" | kubectl apply -f -"));
        }
        List<Finding> out = new ArrayList<>();
        for (String crd : GATEWAY_API_CRDS) {
            Set<String> versions = crdVersions.get(crd);
            if (versions != null && !versions.contains("v1")) {
                out.add(new Finding(
                        Level.Error,
                        "IST0156",
                        "The Gateway API CRD version " + new TreeSet<>(versions) + " of " + crd
                                + " is lower than the minimum version: v1"));
            }
        }
        return out;
    }

    static List<Finding> cilium(Map<String, String> cfg) {
        if (cfg == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        if ("true".equals(cfg.get("cni-exclusive"))) {
            out.add(new Finding(
                    Level.Error,
                    "AMB0003",
                    "Cilium owns the node's CNI configuration exclusively (cilium-config cni-exclusive=true) and will"
                            + " remove istio-cni's chained plugin: set Cilium's cni.exclusive=false"));
        }
        if (!"true".equals(cfg.get("bpf-lb-sock-hostns-only"))
                && ("true".equals(cfg.get("bpf-lb-sock")) || "true".equals(cfg.get("kube-proxy-replacement")))) {
            out.add(new Finding(
                    Level.Warning,
                    "AMB0004",
                    "Cilium's socket load balancing runs inside pods (bpf-lb-sock-hostns-only is not true), so"
                            + " traffic to Service VIPs bypasses ztunnel: set socketLB.hostNamespaceOnly=true"));
        }
        return out;
    }

    static List<Finding> existingCni(Set<String> namespaces) {
        if (namespaces.isEmpty()) {
            return List.of();
        }
        return List.of(new Finding(
                Level.Warning,
                "AMB0005",
                "an istio-cni-node DaemonSet already runs in " + new TreeSet<>(namespaces)
                        + ": a second CNI agent would fight over the node's CNI configuration"));
    }

    static List<Finding> nodes(List<NodeFacts> nodes) {
        List<Finding> out = new ArrayList<>();
        Set<String> platforms = new TreeSet<>();
        for (NodeFacts n : nodes) {
            if (n.operatingSystem() != null && !"linux".equals(n.operatingSystem())) {
                out.add(new Finding(
                        Level.Info,
                        "AMB0006",
                        "node " + n.name() + " runs " + n.operatingSystem() + ": ztunnel and istio-cni run on Linux"
                                + " nodes only, its pods cannot join the ambient mesh"));
            }
            String p = platformOf(n);
            if (p != null) {
                platforms.add(p);
            }
        }
        for (String p : platforms) {
            out.add(new Finding(
                    Level.Info,
                    "AMB0007",
                    "the nodes look like " + p + ", whose CNI configuration lives in a non-default place: install"
                            + " with --set values.global.platform=" + p));
        }
        return out;
    }

    /** The platform profile a node needs (upstream's platform names), or null for the defaults. */
    static String platformOf(NodeFacts n) {
        String provider = n.providerId() == null ? "" : n.providerId();
        String kubelet = n.kubeletVersion() == null ? "" : n.kubeletVersion();
        Map<String, String> labels = n.labels() == null ? Map.of() : n.labels();
        if (provider.startsWith("gce://")) {
            return "gke";
        }
        if (provider.startsWith("k3s://") && n.name().startsWith("k3d-")) {
            return "k3d";
        }
        if (kubelet.contains("+k3s") || provider.startsWith("k3s://")) {
            return "k3s";
        }
        if (labels.containsKey("minikube.k8s.io/name")) {
            return "minikube";
        }
        if (labels.containsKey("microk8s.io/cluster")) {
            return "microk8s";
        }
        if (labels.containsKey("node.openshift.io/os_id")) {
            return "openshift";
        }
        return null;
    }

    /**
     * The node-local check (run precheck on a node with --local): which required kernel modules are
     * neither loaded ({@code /proc/modules}) nor built in ({@code modules.builtin}), and whether an
     * iptables binary exists.
     */
    public static List<Finding> kernel(Set<String> loaded, Set<String> builtin, boolean iptablesPresent) {
        List<Finding> out = new ArrayList<>();
        List<String> missing = KERNEL_MODULES.stream()
                .filter(m -> !loaded.contains(m) && !builtin.contains(m))
                .toList();
        if (!missing.isEmpty()) {
            out.add(new Finding(
                    Level.Warning,
                    "AMB0008",
                    "kernel modules not loaded on this node: " + String.join(", ", missing)
                            + " (modprobe them, or make sure the kernel can autoload them)"));
        }
        if (!iptablesPresent) {
            out.add(new Finding(
                    Level.Error, "AMB0009", "no iptables binary on this node: istio-cni's in-pod rules need iptables"));
        }
        return out;
    }
}
