package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.mesh.MeshHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs every scenario file of a folder (any folder, in name order) against one mesh, and renders the
 * report table and the closing summary line ({@code partial}: scenarios whose steps that ran passed while some
 * were skipped, as on an external cluster). A file that does not parse counts as a failed scenario
 * whose detail is the parser's file:line message.
 */
public final class Suite {
    private Suite() {}

    /** The scenario files of a folder ({@code *.yaml}, {@code *.yml}), sorted. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list scenarios in " + dir + ": " + e.getMessage());
        }
    }

    /** Parses and runs each file; {@code log} receives one line per scenario as it finishes. */
    public static List<ScenarioResult> run(
            MeshHarness mesh, List<Path> files, java.util.function.Consumer<String> log) {
        return run(new LocalCluster(mesh), files, log);
    }

    /** Parses and runs each file on any {@link Cluster}; {@code log} receives one line per scenario. */
    public static List<ScenarioResult> run(Cluster cluster, List<Path> files, java.util.function.Consumer<String> log) {
        ScenarioRunner runner = new ScenarioRunner(cluster);
        List<ScenarioResult> results = new ArrayList<>();
        for (Path f : files) {
            ScenarioResult r;
            try {
                r = runner.run(ScenarioParser.parse(f));
            } catch (ScenarioException e) {
                r = new ScenarioResult(
                        f.toString(), List.of(), ScenarioResult.Status.FAILED, Duration.ZERO, e.getMessage());
            }
            results.add(r);
            log.accept(line(r));
        }
        return results;
    }

    static String line(ScenarioResult r) {
        return String.format(
                Locale.ROOT,
                "%-7s %-45s %6.1fs %s",
                r.status(),
                Path.of(r.file()).getFileName(),
                r.time().toMillis() / 1000.0,
                r.detail());
    }

    /** The Markdown report (pure). */
    public static String report(List<ScenarioResult> results) {
        StringBuilder b = new StringBuilder("# Conformance report\n\n");
        b.append("| case | scenario | result | time | what failed / why skipped |\n|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            b.append("| ")
                    .append(String.join(", ", r.cases()))
                    .append(" | ")
                    .append(Path.of(r.file()).getFileName())
                    .append(" | ")
                    .append(r.status().name().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1fs", r.time().toMillis() / 1000.0))
                    .append(" | ")
                    .append(r.detail().replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        b.append('\n').append(summary(results)).append('\n');
        return b.toString();
    }

    /** {@code conformance: N passed, M failed[, K skipped]} (pure). */
    public static String summary(List<ScenarioResult> results) {
        long passed = results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.PASSED)
                .count();
        long failed = results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.FAILED)
                .count();
        long skipped = results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.SKIPPED)
                .count();
        long partial = results.stream()
                .filter(r -> r.status() == ScenarioResult.Status.PARTIAL)
                .count();
        return "conformance: " + passed + " passed, " + failed + " failed"
                + (partial > 0 ? ", " + partial + " partial" : "")
                + (skipped > 0 ? ", " + skipped + " skipped" : "");
    }
}
