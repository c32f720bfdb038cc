package io.ambient4j.charts;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The four ambient4j charts, as built by this module (sources plus generated CRDs). Tests name a chart
 * by this enum so that the directory layout and the upstream chart name live in one place.
 */
enum Chart {
    BASE("istio-base", "base", "istio-base"),
    ISTIOD("istiod", "istiod", "istiod"),
    CNI("cni", "cni", "istio-cni"),
    ZTUNNEL("ztunnel", "ztunnel", "ztunnel");

    /** Directory under charts/. */
    final String dir;
    /** Chart name in Chart.yaml (the upstream name). */
    final String chartName;
    /** Release name the upstream docs and tests use. */
    final String release;

    Chart(String dir, String chartName, String release) {
        this.dir = dir;
        this.chartName = chartName;
        this.release = release;
    }

    /** The built chart directory (target/charts/...), or the source tree when run outside Maven. */
    Path path() {
        String built = System.getProperty("ambient4j.charts.dir");
        Path root = built != null ? Path.of(built) : Path.of("..", "charts");
        Path p = root.resolve(dir);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("chart directory missing: " + p.toAbsolutePath());
        }
        return p;
    }

    /** The chart's source directory under charts/ (not the built copy). */
    Path sourcePath() {
        String src = System.getProperty("ambient4j.charts.source");
        return (src != null ? Path.of(src) : Path.of("..", "charts")).resolve(dir);
    }
}
