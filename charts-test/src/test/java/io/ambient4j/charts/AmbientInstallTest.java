package io.ambient4j.charts;

import static io.ambient4j.charts.ProfileMechanismTest.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * C001, the rendering half: the four charts in the upstream install order with the one values file
 * upstream's Helm install test passes to every chart. Reaching Ready needs a cluster and is not
 * covered here; what is checked is that the objects C001 waits for exist and fit together.
 */
class AmbientInstallTest {
    static final String VALUES = """
            global:
              hub: example.org/ambient4j
              tag: 0.1.0
              variant: distroless
              platform: ""
            profile: ambient
            """;

    @Test
    void C001_ambientInstallRendersEverythingTheInstallWaitsFor() {
        List<Chart> order = List.of(Chart.BASE, Chart.ISTIOD, Chart.CNI, Chart.ZTUNNEL);
        List<HasMetadata> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Chart chart : order) {
            Manifest m = Render.of(chart).values(VALUES).call();
            for (HasMetadata o : m.objects()) {
                String key = o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                        + o.getMetadata().getName();
                assertThat(seen.add(key)).as("%s rendered by two charts", key).isTrue();
                all.add(o);
            }
        }
        Manifest install = new Manifest(List.copyOf(all), "");

        install.get(ValidatingWebhookConfiguration.class, "istiod-default-validator");
        assertThat(podLabelsOf(install.get(Deployment.class, "istiod").getSpec().getTemplate()))
                .contains("app=istiod");
        assertThat(podLabelsOf(
                        install.get(DaemonSet.class, "istio-cni-node").getSpec().getTemplate()))
                .contains("k8s-app=istio-cni-node");
        assertThat(podLabelsOf(install.get(DaemonSet.class, "ztunnel").getSpec().getTemplate()))
                .contains("app=ztunnel");

        // every image comes from the one hub and tag, with the variant
        assertThat(install.all(Deployment.class)
                        .getFirst()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("example.org/ambient4j/pilot:0.1.0-distroless");
        assertThat(install.get(DaemonSet.class, "istio-cni-node")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("example.org/ambient4j/install-cni:0.1.0-distroless");
        assertThat(install.get(DaemonSet.class, "ztunnel")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("example.org/ambient4j/ztunnel:0.1.0-distroless");

        // the pieces agree: istiod trusts the ztunnel SA the ztunnel chart creates, ztunnel dials the
        // Service istiod creates, and cni and ztunnel share the ZDS socket directory
        var istiodEnv = install.get(Deployment.class, "istiod")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getEnv();
        var ztunnelPod =
                install.get(DaemonSet.class, "ztunnel").getSpec().getTemplate().getSpec();
        assertThat(env(istiodEnv, "CA_TRUSTED_NODE_ACCOUNTS"))
                .isEqualTo(Render.NAMESPACE + "/" + ztunnelPod.getServiceAccountName());
        install.get(io.fabric8.kubernetes.api.model.ServiceAccount.class, ztunnelPod.getServiceAccountName());
        assertThat(env(ztunnelPod.getContainers().getFirst().getEnv(), "XDS_ADDRESS"))
                .isEqualTo(install.get(io.fabric8.kubernetes.api.model.Service.class, "istiod")
                                .getMetadata()
                                .getName() + "." + Render.NAMESPACE + ".svc:15012");
        var cniPod = install.get(DaemonSet.class, "istio-cni-node")
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(Manifest.volume(cniPod, "cni-ztunnel-sock-dir").getHostPath().getPath())
                .isEqualTo(Manifest.volume(ztunnelPod, "cni-ztunnel-sock-dir")
                        .getHostPath()
                        .getPath());
    }

    private static List<String> podLabelsOf(PodTemplateSpec t) {
        return t.getMetadata().getLabels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
    }
}
