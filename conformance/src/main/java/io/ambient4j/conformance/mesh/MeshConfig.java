package io.ambient4j.conformance.mesh;

import io.ambient4j.conformance.kubelet.CniHook;
import java.nio.file.Path;
import java.util.List;

/**
 * How to bring a local mesh up: a name prefix (unique per run on this machine), the node count, an
 * optional external kubeconfig (else the embedded API server), a folder of manifests applied before the
 * components start, the CNI hook ({@code null}: each node's
 * CNI config chain, as a runtime runs it), and which components to launch ({@code null}: every available one;
 * the defaults launch none).
 */
public record MeshConfig(
        String prefix, int nodes, Path kubeconfig, Path manifests, CniHook cni, List<String> components) {
    public static MeshConfig defaults(String prefix) {
        return new MeshConfig(prefix, 2, null, null, null, List.of());
    }

    public MeshConfig withNodes(int n) {
        return new MeshConfig(prefix, n, kubeconfig, manifests, cni, components);
    }

    public MeshConfig withManifests(Path dir) {
        return new MeshConfig(prefix, nodes, kubeconfig, dir, cni, components);
    }

    public MeshConfig withComponents(List<String> list) {
        return new MeshConfig(prefix, nodes, kubeconfig, manifests, cni, list == null ? null : List.copyOf(list));
    }

    public MeshConfig withCni(CniHook hook) {
        return new MeshConfig(prefix, nodes, kubeconfig, manifests, hook, components);
    }
}
