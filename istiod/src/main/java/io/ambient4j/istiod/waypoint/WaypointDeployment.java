package io.ambient4j.istiod.waypoint;

import io.ambient4j.istiod.kube.crd.Gateway;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a waypoint's Deployment (pure), following the chart's {@code files/waypoint.yaml}: one
 * {@code istio-proxy} container running {@code proxy waypoint}, never captured itself
 * ({@code istio.io/dataplane-mode: none}), ready when {@code /healthz/ready} on 15021 answers, metrics on 15020.
 */
public final class WaypointDeployment {
    public static final int METRICS_PORT = 15020;

    private WaypointDeployment() {}

    public static Deployment deployment(Gateway gw, ProxyValues v) {
        String name = WaypointNames.deploymentName(gw);
        String ns = gw.getMetadata().getNamespace();
        Map<String, String> annotations = WaypointNames.infrastructureAnnotations(gw);
        Map<String, String> labels = new TreeMap<>(WaypointNames.gatewayLabels(gw));
        labels.put(WaypointNames.MANAGED, WaypointNames.MESH_CONTROLLER);

        Map<String, String> podLabels = new TreeMap<>();
        podLabels.put("sidecar.istio.io/inject", "false");
        podLabels.put("istio.io/dataplane-mode", "none");
        podLabels.put("service.istio.io/canonical-name", name);
        podLabels.put("service.istio.io/canonical-revision", "latest");
        podLabels.putAll(labels);

        Map<String, String> podAnnotations = new TreeMap<>(annotations);
        podAnnotations.put("istio.io/rev", v.revision().isEmpty() ? "default" : v.revision());
        podAnnotations.put("prometheus.io/path", "/stats/prometheus");
        podAnnotations.put("prometheus.io/port", Integer.toString(METRICS_PORT));
        podAnnotations.put("prometheus.io/scrape", "true");

        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withAnnotations(annotations)
                .withLabels(labels)
                .withOwnerReferences(WaypointNames.ownedBy(gw))
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(
                        Map.of(WaypointNames.GATEWAY_NAME, gw.getMetadata().getName()))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .withAnnotations(podAnnotations)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(WaypointNames.serviceAccount(gw))
                .withContainers(container(gw, v, name))
                .withVolumes(volumes())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(Gateway gw, ProxyValues v, String name) {
        ContainerBuilder c = new ContainerBuilder()
                .withName("istio-proxy")
                .withImage(v.image())
                .withArgs(
                        "proxy",
                        "waypoint",
                        "--domain",
                        "$(POD_NAMESPACE).svc." + v.clusterDomain(),
                        "--serviceCluster",
                        WaypointNames.serviceAccount(gw) + ".$(POD_NAMESPACE)",
                        "--proxyLogLevel",
                        v.proxyLogLevel(),
                        "--proxyComponentLogLevel",
                        v.componentLogLevel(),
                        "--log_output_level",
                        v.agentLogLevel())
                .addNewPort()
                .withName("metrics")
                .withContainerPort(METRICS_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("status-port")
                .withContainerPort(WaypointService.STATUS_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("http-envoy-prom")
                .withContainerPort(15090)
                .withProtocol("TCP")
                .endPort()
                .withEnv(env(gw, v, name))
                .withStartupProbe(probe(1, 1, 1, 30))
                .withReadinessProbe(probe(0, 15, 1, 4))
                .withNewSecurityContext()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withRunAsUser(1337L)
                .withRunAsGroup(1337L)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .withVolumeMounts(
                        mount("workload-socket", "/var/run/secrets/workload-spiffe-uds"),
                        mount("istiod-ca-cert", "/var/run/secrets/istio"),
                        mount("istio-data", "/var/lib/istio/data"),
                        mount("istio-envoy", "/etc/istio/proxy"),
                        mount("istio-token", "/var/run/secrets/tokens"),
                        mount("istio-podinfo", "/etc/istio/pod"));
        if (!v.imagePullPolicy().isEmpty()) {
            c.withImagePullPolicy(v.imagePullPolicy());
        }
        return c.build();
    }

    private static Probe probe(int initialDelay, int period, int timeout, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath("/healthz/ready")
                .withNewPort(WaypointService.STATUS_PORT)
                .withScheme("HTTP")
                .endHttpGet()
                .withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(period)
                .withTimeoutSeconds(timeout)
                .withSuccessThreshold(1)
                .withFailureThreshold(failures)
                .build();
    }

    private static List<EnvVar> env(Gateway gw, ProxyValues v, String name) {
        List<EnvVar> env = new ArrayList<>();
        env.add(field("ISTIO_META_SERVICE_ACCOUNT", "spec.serviceAccountName"));
        env.add(field("ISTIO_META_NODE_NAME", "spec.nodeName"));
        env.add(value("PILOT_CERT_PROVIDER", v.pilotCertProvider()));
        env.add(value("CA_ADDR", v.caAddress()));
        env.add(field("POD_NAME", "metadata.name"));
        env.add(field("POD_NAMESPACE", "metadata.namespace"));
        env.add(field("INSTANCE_IP", "status.podIP"));
        env.add(field("SERVICE_ACCOUNT", "spec.serviceAccountName"));
        env.add(field("HOST_IP", "status.hostIP"));
        env.add(resource("ISTIO_CPU_LIMIT", "limits.cpu"));
        env.add(resource("GOMEMLIMIT", "limits.memory"));
        env.add(value("ISTIO_META_CLUSTER_ID", v.clusterId()));
        String network = WaypointNames.infrastructureLabels(gw).getOrDefault("topology.istio.io/network", v.network());
        if (!network.isEmpty()) {
            env.add(value("ISTIO_META_NETWORK", network));
        }
        env.add(value("ISTIO_META_INTERCEPTION_MODE", "REDIRECT"));
        env.add(value("ISTIO_META_WORKLOAD_NAME", name));
        env.add(value(
                "ISTIO_META_OWNER",
                "kubernetes://apis/apps/v1/namespaces/" + gw.getMetadata().getNamespace() + "/deployments/" + name));
        if (!v.trustDomain().isEmpty()) {
            env.add(value("ISTIO_META_MESH_ID", v.trustDomain()));
            env.add(value("TRUST_DOMAIN", v.trustDomain()));
        }
        return env;
    }

    private static EnvVar value(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar field(String name, String path) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath(path)
                .endFieldRef()
                .endValueFrom()
                .build();
    }

    private static EnvVar resource(String name, String resource) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewResourceFieldRef()
                .withResource(resource)
                .withDivisor(new Quantity("1"))
                .endResourceFieldRef()
                .endValueFrom()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).build();
    }

    private static List<Volume> volumes() {
        return List.of(
                new VolumeBuilder()
                        .withName("workload-socket")
                        .withNewEmptyDir()
                        .endEmptyDir()
                        .build(),
                new VolumeBuilder()
                        .withName("istio-envoy")
                        .withNewEmptyDir()
                        .withMedium("Memory")
                        .endEmptyDir()
                        .build(),
                new VolumeBuilder()
                        .withName("istio-data")
                        .withNewEmptyDir()
                        .endEmptyDir()
                        .build(),
                new VolumeBuilder()
                        .withName("istio-podinfo")
                        .withNewDownwardAPI()
                        .addNewItem()
                        .withPath("labels")
                        .withNewFieldRef()
                        .withFieldPath("metadata.labels")
                        .endFieldRef()
                        .endItem()
                        .addNewItem()
                        .withPath("annotations")
                        .withNewFieldRef()
                        .withFieldPath("metadata.annotations")
                        .endFieldRef()
                        .endItem()
                        .endDownwardAPI()
                        .build(),
                new VolumeBuilder()
                        .withName("istio-token")
                        .withNewProjected()
                        .addNewSource()
                        .withNewServiceAccountToken()
                        .withPath("istio-token")
                        .withAudience("istio-ca")
                        .withExpirationSeconds(43200L)
                        .endServiceAccountToken()
                        .endSource()
                        .endProjected()
                        .build(),
                new VolumeBuilder()
                        .withName("istiod-ca-cert")
                        .withNewConfigMap()
                        .withName("istio-ca-root-cert")
                        .endConfigMap()
                        .build());
    }
}
