package io.ambient4j.conformance.cli;

import io.ambient4j.conformance.mesh.ApiServer;
import io.ambient4j.conformance.mesh.MeshConfig;
import io.ambient4j.conformance.mesh.MeshException;
import io.ambient4j.conformance.mesh.MeshHarness;
import io.ambient4j.conformance.scenario.ExternalCluster;
import io.ambient4j.conformance.scenario.ExternalClusterException;
import io.ambient4j.conformance.scenario.ScenarioResult;
import io.ambient4j.conformance.scenario.Suite;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code make conformance [SCENARIOS=dir]}: brings up a local mesh, runs every scenario of the folder,
 * writes the report ({@code REPORT}, default conformance/target/report.md), prints
 * {@code conformance: N passed, M failed[, K skipped]} with skip reasons, tears the mesh down, and exits
 * 1 when a scenario failed (2 when the mesh could not start). With {@code --kubeconfig <file> --image echo=<ref>}
 * ({@link RunTarget}) it runs them on that cluster instead ({@code make e2e-kind}): partial results there name the
 * steps that were skipped for needing node access.
 */
public final class Conformance {
    private Conformance() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(System.getenv().getOrDefault("SCENARIOS", "conformance/scenarios"));
        Path report = Path.of(System.getenv().getOrDefault("REPORT", "conformance/target/report.md"));
        String prefix = System.getenv().getOrDefault("MESH_PREFIX", "a4jc");
        List<Path> files;
        try {
            files = Suite.files(dir);
        } catch (IllegalArgumentException e) {
            System.err.println("conformance: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunTarget target;
        try {
            target = RunTarget.parse(Arrays.asList(args), System.getenv());
        } catch (ExternalClusterException e) {
            System.err.println("conformance: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (target instanceof RunTarget.External ext) {
            finish(report, external(ext, dir, files));
            return;
        }
        MeshConfig config = MeshConfig.defaults(prefix).withComponents(null);
        String components = System.getenv("COMPONENTS");
        if (components != null && !components.isBlank()) {
            config = config.withComponents(
                    Arrays.stream(components.split(",")).map(String::strip).toList());
        }
        List<ScenarioResult> results;
        try (MeshHarness mesh = MeshHarness.start(config)) {
            System.out.println("conformance: " + files.size() + " scenarios from " + dir + " on mesh '" + prefix + "'");
            results = Suite.run(mesh, files, System.out::println);
        } catch (MeshException e) {
            System.err.println("conformance: the local mesh did not start: " + e.getMessage());
            System.exit(2);
            return;
        }
        finish(report, results);
    }

    /** The scenarios on a cluster reached through its kubeconfig; exits 2 when it cannot be reached. */
    private static List<ScenarioResult> external(RunTarget.External ext, Path dir, List<Path> files) {
        ApiServer api;
        try {
            api = ApiServer.external(ext.kubeconfig());
        } catch (MeshException e) {
            System.err.println("conformance: " + e.getMessage());
            System.exit(2);
            return List.of();
        }
        try (KubernetesClient client = api.newClient()) {
            ExternalCluster cluster = new ExternalCluster(client, ext.echoImage(), Duration.ofSeconds(120));
            System.out.println("conformance: " + files.size() + " scenarios from " + dir + " on the cluster at "
                    + api.url() + " (external mode: echo image " + ext.echoImage()
                    + "; steps that need node access are skipped and reported)");
            return Suite.run(cluster, files, System.out::println);
        } catch (KubernetesClientException e) {
            System.err.println("conformance: the cluster at " + api.url() + " did not answer: " + e.getMessage());
            System.exit(2);
            return List.of();
        }
    }

    private static void finish(Path report, List<ScenarioResult> results) throws IOException {
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, Suite.report(results));
        results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.SKIPPED)
                .forEach(r -> System.out.println("skipped " + Path.of(r.file()).getFileName() + ": " + r.detail()));
        results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.PARTIAL)
                .forEach(r -> System.out.println("partial " + Path.of(r.file()).getFileName() + ": " + r.detail()));
        System.out.println("report: " + report);
        System.out.println(Suite.summary(results));
        System.exit(results.stream().anyMatch(r -> r.status() == ScenarioResult.Status.FAILED) ? 1 : 0);
    }
}
