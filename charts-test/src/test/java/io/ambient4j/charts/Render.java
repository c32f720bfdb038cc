package io.ambient4j.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One `helm template` run of a chart through helm-java (Helm itself, in process, offline). Values are
 * given the way a user gives them: --set pairs and optionally a values file.
 */
final class Render {
    static final String NAMESPACE = "istio-system";

    private final Chart chart;
    private final Map<String, String> sets = new LinkedHashMap<>();
    private String release;
    private String namespace = NAMESPACE;
    private String valuesYaml;
    private String kubeVersion;

    private Render(Chart chart) {
        this.chart = chart;
        this.release = chart.release;
    }

    static Render of(Chart chart) {
        return new Render(chart);
    }

    /** Shorthand: the chart with --set profile=ambient. */
    static Render ambient(Chart chart) {
        return of(chart).set("profile", "ambient");
    }

    Render set(String key, String value) {
        sets.put(key, value);
        return this;
    }

    Render values(String yaml) {
        this.valuesYaml = yaml;
        return this;
    }

    Render release(String name) {
        this.release = name;
        return this;
    }

    Render namespace(String ns) {
        this.namespace = ns;
        return this;
    }

    Render kubeVersion(String version) {
        this.kubeVersion = version;
        return this;
    }

    /** Renders, failing with Helm's message if the chart refuses the values. */
    Manifest call() {
        TemplateCommand cmd =
                new Helm(chart.path()).template().withName(release).withNamespace(namespace);
        if (kubeVersion != null) {
            cmd = cmd.withKubeVersion(kubeVersion);
        }
        for (var e : sets.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        Path valuesFile = null;
        try {
            if (valuesYaml != null) {
                valuesFile = Files.createTempFile("values-", ".yaml");
                Files.writeString(valuesFile, valuesYaml);
                cmd = cmd.withValuesFile(valuesFile);
            }
            return Manifest.parse(cmd.call());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (valuesFile != null) {
                try {
                    Files.deleteIfExists(valuesFile);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
