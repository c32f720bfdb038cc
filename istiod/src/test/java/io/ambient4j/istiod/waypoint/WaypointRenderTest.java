package io.ambient4j.istiod.waypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewaySpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure rendering of a waypoint Gateway into ServiceAccount, Deployment and Service (spec §1.3, §7.1). */
class WaypointRenderTest {
    static Gateway waypoint(String ns, String name, Map<String, String> annotations) {
        Gateway g = new Gateway();
        g.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withUid("uid-" + name)
                .withAnnotations(annotations)
                .withLabels(Map.of("istio.io/waypoint-for", "service"))
                .build());
        GatewaySpec spec = new GatewaySpec();
        spec.gatewayClassName = "istio-waypoint";
        GatewaySpec.Listener l = new GatewaySpec.Listener();
        l.name = "mesh";
        l.port = 15008;
        l.protocol = "HBONE";
        spec.listeners = List.of(l);
        g.setSpec(spec);
        return g;
    }

    @Test
    void C090_serviceAccountDeploymentAndServiceAreOwnedByTheGateway() {
        Gateway gw = waypoint("app", "waypoint", Map.of());
        ServiceAccount sa = WaypointService.serviceAccount(gw);
        Deployment d = WaypointDeployment.deployment(gw, ProxyValues.defaults("istio-system"));
        Service s = WaypointService.service(gw);
        for (var meta : List.of(sa.getMetadata(), d.getMetadata(), s.getMetadata())) {
            assertThat(meta.getName()).isEqualTo("waypoint");
            assertThat(meta.getNamespace()).isEqualTo("app");
            assertThat(meta.getOwnerReferences()).singleElement().satisfies(r -> {
                assertThat(r.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
                assertThat(r.getKind()).isEqualTo("Gateway");
                assertThat(r.getName()).isEqualTo("waypoint");
                assertThat(r.getUid()).isEqualTo("uid-waypoint");
            });
            assertThat(meta.getLabels())
                    .containsEntry("gateway.networking.k8s.io/gateway-name", "waypoint")
                    .containsEntry("gateway.networking.k8s.io/gateway-class-name", "istio-waypoint");
        }
        assertThat(d.getMetadata().getLabels()).containsEntry("gateway.istio.io/managed", "istio.io-mesh-controller");
    }

    @Test
    void C090_deploymentRunsProxyWaypointNeverCapturedWithChartProbesAndPorts() {
        Deployment d = WaypointDeployment.deployment(
                waypoint("app", "waypoint", Map.of()), ProxyValues.defaults("istio-system"));
        var pod = d.getSpec().getTemplate();
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("gateway.networking.k8s.io/gateway-name", "waypoint"));
        assertThat(pod.getMetadata().getLabels())
                .containsEntry("istio.io/dataplane-mode", "none")
                .containsEntry("sidecar.istio.io/inject", "false")
                .containsEntry("gateway.networking.k8s.io/gateway-name", "waypoint")
                .containsEntry("gateway.istio.io/managed", "istio.io-mesh-controller")
                .containsEntry("service.istio.io/canonical-name", "waypoint")
                .containsEntry("service.istio.io/canonical-revision", "latest");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", "15020")
                .containsEntry("prometheus.io/path", "/stats/prometheus")
                .containsEntry("istio.io/rev", "default");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("waypoint");
        var c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getName()).isEqualTo("istio-proxy");
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/proxyv2:latest");
        assertThat(c.getArgs()).startsWith("proxy", "waypoint", "--domain", "$(POD_NAMESPACE).svc.cluster.local");
        assertThat(c.getArgs()).containsSequence("--serviceCluster", "waypoint.$(POD_NAMESPACE)");
        assertThat(c.getPorts())
                .extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactly("metrics=15020", "status-port=15021", "http-envoy-prom=15090");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(15021);
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
        assertThat(c.getStartupProbe().getFailureThreshold()).isEqualTo(30);
        assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .contains("CA_ADDR", "POD_NAMESPACE", "ISTIO_META_WORKLOAD_NAME", "ISTIO_META_CLUSTER_ID");
        assertThat(c.getEnv())
                .filteredOn(e -> e.getName().equals("CA_ADDR"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("istiod.istio-system.svc:15012"));
        assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(1337L);
        assertThat(pod.getSpec().getVolumes())
                .extracting(v -> v.getName())
                .contains("istio-token", "istiod-ca-cert", "istio-envoy");
    }

    @Test
    void C090_servicePortsComeFromTheListenersPlusStatusPort() {
        Gateway gw = waypoint("app", "waypoint", Map.of());
        GatewaySpec.Listener extra = new GatewaySpec.Listener();
        extra.name = "Proxy_Protocol";
        extra.port = 15088;
        extra.protocol = "TCP";
        GatewaySpec.Listener dup = new GatewaySpec.Listener();
        dup.name = "mesh-again";
        dup.port = 15008;
        dup.protocol = "HBONE";
        gw.getSpec().listeners = List.of(gw.getSpec().listeners.getFirst(), extra, dup);
        Service s = WaypointService.service(gw);
        assertThat(s.getSpec().getPorts())
                .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("status-port", 15021, "tcp"),
                        org.assertj.core.groups.Tuple.tuple("mesh", 15008, "hbone"),
                        org.assertj.core.groups.Tuple.tuple("proxy-protocol", 15088, "tcp"));
        assertThat(s.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("gateway.networking.k8s.io/gateway-name", "waypoint"));
        assertThat(s.getMetadata().getAnnotations())
                .containsEntry("networking.istio.io/traffic-distribution", "PreferClose");
    }

    @Test
    void nameAndServiceAccountOverridesAreHonouredAndNotPropagated() {
        Gateway gw = waypoint(
                "app",
                "waypoint",
                Map.of("gateway.istio.io/name-override", "wp-x", "gateway.istio.io/service-account", "wp-sa"));
        gw.getSpec()
                .unknownFields()
                .put("infrastructure", Map.of("labels", Map.of("team", "a"), "annotations", Map.of("note", "n")));
        Deployment d = WaypointDeployment.deployment(gw, ProxyValues.defaults("istio-system"));
        assertThat(d.getMetadata().getName()).isEqualTo("wp-x");
        assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("wp-sa");
        assertThat(WaypointService.serviceAccount(gw).getMetadata().getName()).isEqualTo("wp-sa");
        assertThat(WaypointService.service(gw).getMetadata().getName()).isEqualTo("wp-x");
        assertThat(d.getMetadata().getAnnotations()).isEqualTo(Map.of("note", "n"));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "a");
    }

    @Test
    void aListenerWithoutPortIsAnInvalidGateway() {
        Gateway gw = waypoint("app", "waypoint", Map.of());
        gw.getSpec().listeners.getFirst().port = null;
        assertThatThrownBy(() -> WaypointService.service(gw))
                .isInstanceOfSatisfying(
                        WaypointException.class,
                        e -> assertThat(e.reason()).isEqualTo(WaypointException.Reason.INVALID_GATEWAY))
                .hasMessageContaining("spec.listeners[0].port");
    }

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("{}", "registry.istio.io/testing/proxyv2:latest", "istiod.istio-system.svc:15012"),
                Arguments.of(
                        "{\"global\":{\"hub\":\"example.io/istio\",\"tag\":\"1.2.3\",\"variant\":\"distroless\"}}",
                        "example.io/istio/proxyv2:1.2.3-distroless",
                        "istiod.istio-system.svc:15012"),
                Arguments.of(
                        "{\"global\":{\"proxy\":{\"image\":\"my.reg/ambient4j/waypoint:9\"}},\"revision\":\"canary\"}",
                        "my.reg/ambient4j/waypoint:9",
                        "istiod-canary.istio-system.svc:15012"),
                Arguments.of(
                        "{\"global\":{\"caAddress\":\"ca.example:15012\"}}",
                        "registry.istio.io/testing/proxyv2:latest",
                        "ca.example:15012"));
    }

    @ParameterizedTest
    @MethodSource("images")
    void proxyValuesFromTheInjectorConfigMap(String json, String image, String ca) {
        ProxyValues v = ProxyValues.parse(json, "istio-system");
        assertThat(v.image()).isEqualTo(image);
        assertThat(v.caAddress()).isEqualTo(ca);
    }

    @Test
    void injectorValuesThatAreNotJsonAreRefusedWithAReason() {
        assertThatThrownBy(() -> ProxyValues.parse("not json {", "istio-system"))
                .isInstanceOfSatisfying(
                        WaypointException.class,
                        e -> assertThat(e.reason()).isEqualTo(WaypointException.Reason.BAD_INJECTOR_VALUES));
    }
}
