package io.ambient4j.conformance.cli;

import io.ambient4j.conformance.mesh.MeshConfig;
import io.ambient4j.conformance.mesh.MeshException;
import io.ambient4j.conformance.mesh.MeshHarness;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code make mesh-up}: brings a local mesh up and keeps it running until Ctrl-C or SIGTERM, which tear
 * it down. Environment: {@code MESH_PREFIX} (default {@code a4j}), {@code MESH_NODES} (default 2),
 * {@code MANIFESTS} (a folder applied before components start), {@code COMPONENTS} (comma list to launch).
 */
public final class MeshUp {
    private MeshUp() {}

    public static void main(String[] args) throws InterruptedException {
        String prefix = System.getenv().getOrDefault("MESH_PREFIX", "a4j");
        int nodes = Integer.parseInt(System.getenv().getOrDefault("MESH_NODES", "2"));
        MeshConfig config = MeshConfig.defaults(prefix).withNodes(nodes).withComponents(null);
        String manifests = System.getenv("MANIFESTS");
        if (manifests != null && !manifests.isBlank()) {
            config = config.withManifests(Path.of(manifests));
        }
        String components = System.getenv("COMPONENTS");
        if (components != null && !components.isBlank()) {
            List<String> list =
                    Arrays.stream(components.split(",")).map(String::strip).toList();
            config = config.withComponents(list);
        }
        MeshHarness mesh;
        try {
            mesh = MeshHarness.start(config);
        } catch (MeshException e) {
            System.err.println("mesh-up: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.print(mesh.describe());
        System.out.println("Ctrl-C (or `make mesh-down` from another shell) tears it down.");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
