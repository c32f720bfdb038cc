package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.conformance.mesh.Manifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects an external cluster gets: the echo app as the echo image serving the declared ports, real node names. */
class EchoRewriteTest {
    private static final String IMAGE = "localhost/ambient4j/echo:0.1.0-SNAPSHOT";
    private static final Map<String, String> NODES = Map.of("node-1", "kind-worker", "node-2", "kind-worker2");

    private static HasMetadata one(String yaml) {
        return Manifests.parse(yaml).getFirst();
    }

    private static List<String> env(Container c) {
        return c.getEnv().stream()
                .map(e -> e.getName() + "<-"
                        + (e.getValueFrom() == null
                                ? e.getValue()
                                : e.getValueFrom().getFieldRef().getFieldPath()))
                .toList();
    }

    @Test
    void C062_echoPodGetsImageServeArgsDownwardApiAndReadiness() {
        Pod in = (Pod) one("""
                apiVersion: v1
                kind: Pod
                metadata: {name: server, namespace: ns}
                spec:
                  nodeName: node-2
                  containers:
                    - name: app
                      image: echo
                      ports:
                        - {name: http-localhost, containerPort: 18084}
                        - {name: http, containerPort: 18080}
                        - {containerPort: 19090}
                    - {name: side, image: busybox, args: [sleep, "1"]}
                """);
        Pod out = (Pod) EchoRewrite.rewrite(in, IMAGE, NODES);

        Container app = out.getSpec().getContainers().getFirst();
        assertThat(app.getImage()).isEqualTo(IMAGE);
        assertThat(app.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(app.getCommand()).isEmpty();
        assertThat(app.getArgs()).containsExactly("serve", "http-localhost=18084", "http=18080", "19090");
        assertThat(env(app)).containsExactly("POD_NAME<-metadata.name", "POD_NAMESPACE<-metadata.namespace");
        // loopback-only ports cannot be probed by the kubelet: the first reachable one is
        assertThat(app.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(18080);
        assertThat(out.getSpec().getNodeName()).isEqualTo("kind-worker2");

        Container side = out.getSpec().getContainers().get(1);
        assertThat(side.getImage()).isEqualTo("busybox");
        assertThat(side.getArgs()).containsExactly("sleep", "1");
        assertThat(side.getEnv()).isEmpty();
        // the input is not changed
        assertThat(in.getSpec().getContainers().getFirst().getImage()).isEqualTo("echo");
        assertThat(in.getSpec().getNodeName()).isEqualTo("node-2");
    }

    @Test
    void C062_deploymentTemplateIsRewrittenAndOwnEnvKept() {
        Deployment in = (Deployment) one("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: client, namespace: ns}
                spec:
                  selector: {matchLabels: {app: client}}
                  template:
                    metadata: {labels: {app: client}}
                    spec:
                      nodeSelector: {kubernetes.io/hostname: node-1, disk: ssd}
                      containers:
                        - name: app
                          image: echo
                          env: [{name: POD_NAME, value: fixed}]
                """);
        Deployment out = (Deployment) EchoRewrite.rewrite(in, IMAGE, NODES);
        var spec = out.getSpec().getTemplate().getSpec();
        Container app = spec.getContainers().getFirst();
        assertThat(app.getImage()).isEqualTo(IMAGE);
        assertThat(app.getArgs()).containsExactly("serve");
        assertThat(env(app)).containsExactly("POD_NAME<-fixed", "POD_NAMESPACE<-metadata.namespace");
        assertThat(app.getReadinessProbe()).as("no port to probe").isNull();
        assertThat(spec.getNodeSelector())
                .containsExactlyInAnyOrderEntriesOf(Map.of("kubernetes.io/hostname", "kind-worker", "disk", "ssd"));
    }

    @Test
    void C062_otherObjectsAndNonEchoPodsAreAppliedAsGiven() {
        HasMetadata svc = one("""
                apiVersion: v1
                kind: Service
                metadata: {name: s, namespace: ns}
                spec: {ports: [{port: 80}]}
                """);
        assertThat(EchoRewrite.rewrite(svc, IMAGE, NODES)).isSameAs(svc);
        Pod plain = (Pod) one("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  nodeName: real-node
                  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
                """);
        Pod out = (Pod) EchoRewrite.rewrite(plain, IMAGE, NODES);
        assertThat(out).isEqualTo(plain);
        assertThat(out.getSpec().getContainers().getFirst().getEnv())
                .extracting(EnvVar::getName)
                .isEmpty();
    }

    @Test
    void C062_aScenarioNodeTheClusterLacksIsAClearError() {
        Pod in = (Pod) one("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  nodeName: node-3
                  containers: [{name: c, image: echo}]
                """);
        assertThatThrownBy(() -> EchoRewrite.rewrite(in, IMAGE, NODES))
                .isInstanceOfSatisfying(
                        ExternalClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(ExternalClusterException.Reason.NO_SUCH_NODE))
                .hasMessageContaining("node-3")
                .hasMessageContaining("2 usable node(s)");
    }
}
