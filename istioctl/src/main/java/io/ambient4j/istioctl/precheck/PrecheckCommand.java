package io.ambient4j.istioctl.precheck;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.ambient4j.istioctl.KubeErrors;
import io.ambient4j.istioctl.KubeOptions;
import io.ambient4j.istioctl.Main;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code istioctl x precheck}: reads what would stop an ambient install from the cluster (Kubernetes
 * version, Gateway API CRDs, CNI conflicts, node platforms) and, with {@code --local}, from the node it
 * runs on (kernel modules, iptables). Errors fail the command; warnings and infos only print.
 */
@Command(
        name = "precheck",
        mixinStandardHelpOptions = true,
        description = "Check whether Istio can safely be installed or upgraded")
public final class PrecheckCommand implements Runnable, Main.Outputs {
    @Mixin
    KubeOptions kube;

    @Option(names = "--local", description = "Also check this machine as a node (kernel modules, iptables)")
    boolean local;

    PrintStream out = System.out;

    @Override
    public void out(PrintStream out) {
        this.out = out;
    }

    @Override
    public void run() {
        List<Finding> findings;
        try (KubernetesClient client = kube.client()) {
            findings = new ArrayList<>(Checks.all(gather(client)));
        }
        if (local) {
            findings.addAll(Checks.kernel(moduleNames(Path.of("/proc/modules")), builtinModules(), iptablesPresent()));
        }
        for (Finding f : findings) {
            out.println(f.render());
        }
        if (findings.stream().anyMatch(f -> f.level() == Finding.Level.Error)) {
            throw new IstioctlException(
                    Reason.BAD_ARGUMENT,
                    "Issues found when checking the cluster. Istio may not be safe to install or upgrade.");
        }
        out.println("✔ No issues found when checking the cluster. Istio is safe to install or upgrade!");
    }

    static ClusterFacts gather(KubernetesClient client) {
        String server = client.getConfiguration().getMasterUrl();
        VersionInfo v;
        try {
            v = client.getKubernetesVersion();
        } catch (RuntimeException e) {
            throw KubeErrors.classify(e, "read the server version", server);
        }
        Map<String, Set<String>> crds = new HashMap<>();
        try {
            for (CustomResourceDefinition crd : client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .list()
                    .getItems()) {
                if (crd.getMetadata().getName().endsWith(".gateway.networking.k8s.io")) {
                    crds.put(
                            crd.getMetadata().getName(),
                            crd.getSpec().getVersions().stream()
                                    .filter(ver -> !Boolean.FALSE.equals(ver.getServed()))
                                    .map(CustomResourceDefinitionVersion::getName)
                                    .collect(Collectors.toSet()));
                }
            }
        } catch (RuntimeException e) {
            throw KubeErrors.classify(e, "list CustomResourceDefinitions", server);
        }
        Map<String, String> cilium;
        List<ClusterFacts.NodeFacts> nodes = new ArrayList<>();
        Set<String> cniNamespaces = new HashSet<>();
        try {
            ConfigMap cm = client.configMaps()
                    .inNamespace("kube-system")
                    .withName("cilium-config")
                    .get();
            cilium = cm == null ? null : cm.getData() == null ? Map.of() : cm.getData();
            for (Node n : client.nodes().list().getItems()) {
                var info = n.getStatus() == null ? null : n.getStatus().getNodeInfo();
                nodes.add(new ClusterFacts.NodeFacts(
                        n.getMetadata().getName(),
                        info == null ? null : info.getOperatingSystem(),
                        info == null ? null : info.getKernelVersion(),
                        info == null ? null : info.getKubeletVersion(),
                        n.getSpec() == null ? null : n.getSpec().getProviderID(),
                        n.getMetadata().getLabels()));
            }
            client.apps().daemonSets().inAnyNamespace().list().getItems().stream()
                    .filter(ds -> "istio-cni-node".equals(ds.getMetadata().getName()))
                    .forEach(ds -> cniNamespaces.add(ds.getMetadata().getNamespace()));
        } catch (RuntimeException e) {
            throw KubeErrors.classify(e, "read nodes, DaemonSets and kube-system/cilium-config", server);
        }
        return new ClusterFacts(v.getMajor(), v.getMinor(), crds, cilium, nodes, cniNamespaces);
    }

    static Set<String> moduleNames(Path procModules) {
        try {
            return Files.readAllLines(procModules).stream()
                    .map(l -> l.split(" ", 2)[0])
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    static Set<String> builtinModules() {
        String release;
        try {
            release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return Set.of();
        }
        try {
            return Files.readAllLines(Path.of("/lib/modules", release, "modules.builtin")).stream()
                    .map(l -> l.substring(l.lastIndexOf('/') + 1).replaceAll("\\.ko(\\..*)?$", ""))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    static boolean iptablesPresent() {
        for (String dir : System.getenv()
                .getOrDefault("PATH", "/usr/sbin:/sbin:/usr/bin:/bin")
                .split(":")) {
            if (Files.isExecutable(Path.of(dir, "iptables"))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin/iptables")) || Files.isExecutable(Path.of("/sbin/iptables"));
    }
}
