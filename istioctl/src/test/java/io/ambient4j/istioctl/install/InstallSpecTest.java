package io.ambient4j.istioctl.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.istioctl.IstioctlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IstioOperator spec to per-chart values mapping: profile, hub/tag, meshConfig, values.* for all
 * charts, values.ztunnel.* flattened for the ztunnel chart, components.*.enabled, -f files under --set.
 */
class InstallSpecTest {
    static BundledCharts charts;
    static ValuesSchema schema;

    @BeforeAll
    static void load() {
        charts = BundledCharts.extract();
        schema = ValuesSchema.load(charts);
    }

    @AfterAll
    static void close() {
        charts.close();
    }

    static InstallSpec build(List<Path> files, String... sets) {
        return InstallSpec.build(files, List.of(sets), charts, schema);
    }

    @Test
    void ambientProfileInstallsFourChartsDefaultTwo() {
        assertThat(build(List.of(), "profile=ambient").components())
                .containsExactly(Component.BASE, Component.ISTIOD, Component.CNI, Component.ZTUNNEL);
        assertThat(build(List.of()).components()).containsExactly(Component.BASE, Component.ISTIOD);
        assertThat(build(List.of(), "profile=ambient", "components.cni.enabled=false")
                        .components())
                .containsExactly(Component.BASE, Component.ISTIOD, Component.ZTUNNEL);
        assertThat(build(List.of(), "profile=empty").components()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void valuesReachEachChartTheWayUpstreamPassesThem() {
        InstallSpec s = build(
                List.of(),
                "profile=ambient",
                "hub=example.org/a4j",
                "tag=0.1.0",
                "meshConfig.accessLogFile=/dev/stdout",
                "values.ztunnel.logLevel=debug",
                "values.pilot.env.PILOT_X=true",
                "values.cni.ambient.dnsCapture=false");
        Map<String, Object> istiod = s.chartValues().get(Component.ISTIOD);
        assertThat(istiod).containsEntry("profile", "ambient");
        assertThat((Map<String, Object>) istiod.get("global"))
                .containsEntry("hub", "example.org/a4j")
                .containsEntry("tag", "0.1.0")
                .containsEntry("istioNamespace", "istio-system");
        assertThat((Map<String, Object>) istiod.get("meshConfig")).containsEntry("accessLogFile", "/dev/stdout");
        assertThat((Map<String, Object>) ((Map<String, Object>) istiod.get("pilot")).get("env"))
                .containsEntry("PILOT_X", true);
        Map<String, Object> zt = s.chartValues().get(Component.ZTUNNEL);
        assertThat(zt)
                .containsEntry("logLevel", "debug")
                .doesNotContainKey("ztunnel")
                .doesNotContainKey("meshConfig");
        assertThat((Map<String, Object>) s.chartValues().get(Component.CNI).get("cni"))
                .containsKey("ambient");
    }

    @Test
    void operatorFileThenSetFlags(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("iop.yaml");
        Files.writeString(f, """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  profile: ambient
                  tag: from-file
                  values:
                    global:
                      logAsJson: true
                """);
        InstallSpec s = build(List.of(f), "tag=from-set");
        assertThat(s.profile()).isEqualTo("ambient");
        @SuppressWarnings("unchecked")
        Map<String, Object> global =
                (Map<String, Object>) s.chartValues().get(Component.BASE).get("global");
        assertThat(global).containsEntry("tag", "from-set").containsEntry("logAsJson", true);

        Path wrong = dir.resolve("wrong.yaml");
        Files.writeString(wrong, "kind: ConfigMap\n");
        assertThatThrownBy(() -> build(List.of(wrong)))
                .isInstanceOf(IstioctlException.class)
                .hasMessageContaining("expected kind IstioOperator, found ConfigMap");
    }

    @Test
    void unknownValuesAreRejectedWithTheirReason() {
        assertThatThrownBy(() -> build(List.of(), "values.ztunnel.logLevle=debug"))
                .isInstanceOf(IstioctlException.class)
                .hasMessage("unknown value \"values.ztunnel.logLevle\": the ztunnel chart has no value logLevle."
                        + " Did you mean logLevel?")
                .extracting(e -> ((IstioctlException) e).reason())
                .isEqualTo(IstioctlException.Reason.UNKNOWN_VALUE);
        assertThatThrownBy(() -> build(List.of(), "values.global.hub.nested=x"))
                .hasMessageStartingWith("unknown value \"values.global.hub.nested\"");
        assertThatThrownBy(() -> build(List.of(), "=x")).hasMessageContaining("expected path=value");
    }

    @Test
    void setFlagsAreTypedAndEscaped() {
        assertThat(SetFlag.parse("a.b=true").value()).isEqualTo(true);
        assertThat(SetFlag.parse("a.b=3").value()).isEqualTo(3L);
        assertThat(SetFlag.parse("a.b=3s").value()).isEqualTo("3s");
        assertThat(SetFlag.parse("values.pilot.podAnnotations.prometheus\\.io/scrape=x")
                        .path())
                .containsExactly("values", "pilot", "podAnnotations", "prometheus.io/scrape");
    }
}
