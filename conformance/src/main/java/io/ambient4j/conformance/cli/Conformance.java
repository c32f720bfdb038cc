package io.ambient4j.conformance.cli;

import io.ambient4j.conformance.mesh.MeshConfig;
import io.ambient4j.conformance.mesh.MeshException;
import io.ambient4j.conformance.mesh.MeshHarness;
import io.ambient4j.conformance.scenario.ScenarioResult;
import io.ambient4j.conformance.scenario.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code make conformance [SCENARIOS=dir]}: brings up a local mesh, runs every scenario of the folder,
 * writes the report ({@code REPORT}, default conformance/target/report.md), prints
 * {@code conformance: N passed, M failed[, K skipped]} with skip reasons, tears the mesh down, and exits
 * 1 when a scenario failed (2 when the mesh could not start).
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
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, Suite.report(results));
        results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.SKIPPED)
                .forEach(r -> System.out.println("skipped " + Path.of(r.file()).getFileName() + ": " + r.detail()));
        System.out.println("report: " + report);
        System.out.println(Suite.summary(results));
        System.exit(results.stream().anyMatch(r -> r.status() == ScenarioResult.Status.FAILED) ? 1 : 0);
    }
}
