package io.ambient4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every chart passes helm lint and renders under every profile, platform and compatibility version it ships. */
class ChartLintTest {
    static final List<String> PLATFORMS = List.of("gke", "k3d", "k3s", "microk8s", "minikube", "openshift");
    static final List<String> COMPAT = List.of("1.25", "1.26", "1.27", "1.28", "1.29", "1.30");
    static final List<String> PROFILES = List.of("ambient", "demo", "preview", "remote", "stable");

    @ParameterizedTest
    @EnumSource(Chart.class)
    void lintPassesWithNoErrorOrWarning(Chart chart) {
        LintResult result = new Helm(chart.path()).lint().strict().call();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
        assertThat(result.isFailed())
                .as("lint of %s: %s", chart, result.getMessages())
                .isFalse();
    }

    static Stream<Arguments> everyChartAndLayer() {
        List<Arguments> out = new ArrayList<>();
        for (Chart chart : Chart.values()) {
            out.add(Arguments.of(chart, "default", Render.of(chart)));
            for (String p : PROFILES) {
                out.add(Arguments.of(chart, "profile " + p, Render.of(chart).set("profile", p)));
            }
            for (String p : PLATFORMS) {
                out.add(Arguments.of(
                        chart, "ambient on " + p, Render.ambient(chart).set("global.platform", p)));
            }
            for (String v : COMPAT) {
                // --set-string semantics matter here: 1.30 must stay "1.30", so give it as YAML
                out.add(Arguments.of(
                        chart,
                        "ambient, compatibility " + v,
                        Render.ambient(chart).values("compatibilityVersion: \"" + v + "\"\n")));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyChartAndLayer")
    void rendersUnderEveryShippedLayer(Chart chart, String layer, Render render) {
        Manifest m = render.call();
        assertThat(m.objects()).as("%s %s", chart, layer).isNotEmpty();
        assertThat(m.objects())
                .allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                        .as("%s labels", o.getMetadata().getName())
                        .containsEntry("app.kubernetes.io/part-of", "istio")
                        .containsEntry("helm.sh/chart", chart.chartName + "-1.0.0"));
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void resourceScopeSplitsClusterAndNamespacedObjects(Chart chart) {
        String key = chart == Chart.ZTUNNEL ? "resourceScope" : "global.resourceScope";
        Manifest all = Render.ambient(chart).set("global.platform", "openshift").call();
        Manifest cluster = Render.ambient(chart)
                .set("global.platform", "openshift")
                .set(key, "cluster")
                .call();
        Manifest namespaced = Render.ambient(chart)
                .set("global.platform", "openshift")
                .set(key, "namespace")
                .call();
        assertThat(cluster.objects())
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                        .as("%s is cluster-scoped", o.getMetadata().getName())
                        .isNull());
        assertThat(namespaced.objects())
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                        .as("%s is namespaced", o.getMetadata().getName())
                        .isNotNull());
        assertThat(cluster.objects().size() + namespaced.objects().size())
                .isEqualTo(all.objects().size());
    }
}
