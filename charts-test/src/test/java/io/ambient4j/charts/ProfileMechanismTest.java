package io.ambient4j.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** helm-charts.md §1.1/§1.2: defaults under _internal_defaults_do_not_set, profile layering, legacy prefixes, flattening. */
class ProfileMechanismTest {

    @ParameterizedTest
    @EnumSource(Chart.class)
    void unknownProfileFailsWithItsName(Chart chart) {
        assertThatThrownBy(() -> Render.of(chart).set("profile", "nope").call())
                .hasMessageContaining("unknown profile nope");
        assertThatThrownBy(() -> Render.of(chart).set("global.profile", "nope2").call())
                .hasMessageContaining("unknown profile nope2");
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void unknownPlatformAndCompatibilityVersionFail(Chart chart) {
        assertThatThrownBy(() -> Render.of(chart).set("platform", "mars").call())
                .hasMessageContaining("unknown platform mars");
        assertThatThrownBy(() -> Render.of(chart)
                        .values("compatibilityVersion: \"0.9\"\n")
                        .call())
                .hasMessageContaining("unknown compatibility version 0.9");
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void defaultsPrefixIsRefused(Chart chart) {
        assertThatThrownBy(() -> Render.of(chart).set("defaults.hub", "x").call())
                .hasMessageContaining("drop the prefix");
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void valuesFileKeepsEveryDefaultUnderTheInternalKey(Chart chart) throws IOException {
        List<String> topLevel = Files.readAllLines(chart.sourcePath().resolve("values.yaml")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith(" "))
                .toList();
        assertThat(topLevel).containsExactly("_internal_defaults_do_not_set:");
    }

    @Test
    void everyChartShipsTheSameProfileFiles() throws IOException {
        Path reference = Chart.ISTIOD.sourcePath().resolve("files");
        List<String> names;
        try (Stream<Path> s = Files.list(reference)) {
            names = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("profile-"))
                    .sorted()
                    .toList();
        }
        assertThat(names)
                .contains("profile-ambient.yaml", "profile-demo.yaml", "profile-preview.yaml")
                .contains("profile-remote.yaml", "profile-stable.yaml")
                .contains("profile-platform-gke.yaml", "profile-platform-openshift.yaml")
                .contains("profile-compatibility-version-1.25.yaml", "profile-compatibility-version-1.30.yaml");
        for (Chart chart : Chart.values()) {
            for (String n : names) {
                assertThat(chart.sourcePath().resolve("files").resolve(n))
                        .as("%s %s", chart, n)
                        .hasSameTextualContentAs(reference.resolve(n));
            }
        }
    }

    @Test
    void userValuesWinOverTheProfile() {
        Deployment d = Render.ambient(Chart.ISTIOD)
                .set("global.variant", "debug")
                .call()
                .get(Deployment.class, "istiod");
        assertThat(d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .endsWith(":latest-debug");
    }

    @Test
    void globalProfileWorksLikeProfile() {
        Deployment d =
                Render.of(Chart.ISTIOD).set("global.profile", "ambient").call().get(Deployment.class, "istiod");
        assertThat(env(
                        d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .getFirst()
                                .getEnv(),
                        "PILOT_ENABLE_AMBIENT"))
                .isEqualTo("true");
    }

    @Test
    void legacyPilotPrefixIsLiftedInIstiod() {
        Deployment d = Render.of(Chart.ISTIOD)
                .set("pilot.env.MY_FLAG", "on")
                .set("pilot.hub", "example.org/mine")
                .call()
                .get(Deployment.class, "istiod");
        var c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(env(c.getEnv(), "MY_FLAG")).isEqualTo("on");
        assertThat(c.getImage()).isEqualTo("example.org/mine/pilot:latest");
    }

    @Test
    void legacyCniPrefixIsLiftedInCni() {
        Manifest m = Render.of(Chart.CNI)
                .set("cni.ambient.enabled", "true")
                .set("cni.cniBinDir", "/x/bin")
                .call();
        ConfigMap cm = m.get(ConfigMap.class, "istio-cni-config");
        assertThat(cm.getData()).containsEntry("AMBIENT_ENABLED", "true");
        DaemonSet ds = m.get(DaemonSet.class, "istio-cni-node");
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("cni-bin-dir");
            assertThat(v.getHostPath().getPath()).isEqualTo("/x/bin");
        });
    }

    @Test
    void ztunnelFlattensGlobals() {
        DaemonSet ds = Render.of(Chart.ZTUNNEL)
                .set("global.hub", "example.org/g")
                .set("global.tag", "9.9")
                .call()
                .get(DaemonSet.class, "ztunnel");
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("example.org/g/ztunnel:9.9");
        // a top-level value beats the flattened global one
        DaemonSet both = Render.of(Chart.ZTUNNEL)
                .set("global.hub", "example.org/g")
                .set("hub", "example.org/top")
                .call()
                .get(DaemonSet.class, "ztunnel");
        assertThat(both.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .startsWith("example.org/top/ztunnel:");
    }

    @Test
    void istiodDoesNotFlattenGlobals() {
        // ztunnel lifts global.* to the top level; istiod must not: its top-level variant stays the
        // per-chart override (empty) and the profile's variant stays under global.
        ConfigMap values = Render.ambient(Chart.ISTIOD).call().get(ConfigMap.class, "values");
        Map<String, Object> merged = Manifest.json(values.getData().get("merged-values"));
        assertThat(merged).containsEntry("variant", "");
        assertThat(Manifest.path(merged, "global", "variant")).isEqualTo("distroless");
        Map<String, Object> original = Manifest.json(values.getData().get("original-values"));
        assertThat(original).containsEntry("profile", "ambient").doesNotContainKey("variant");
    }

    /** The literal value of an env var, null if absent or set through valueFrom. */
    static String env(List<EnvVar> env, String name) {
        return env.stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .map(EnvVar::getValue)
                .orElse(null);
    }
}
