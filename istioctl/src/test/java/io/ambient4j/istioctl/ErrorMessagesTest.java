package io.ambient4j.istioctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The errors a person meets first, each one line that says what is wrong and what to do: an unknown
 * profile, a value no chart defines, no API server listening, and the API server saying 403.
 */
@EnableKubernetesMockClient(crud = true)
class ErrorMessagesTest {
    KubernetesMockServer server;

    @Test
    void unknownProfileIsNamedWithTheKnownOnes() {
        Run run = Run.of(server::createClient, "install", "--set", "profile=ambiant", "-y");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo(
                        "Error: unknown profile \"ambiant\": the profiles are ambient, default, demo, empty, minimal,"
                                + " preview, remote, stable\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownValueIsNamedWithTheChartAndASuggestion() {
        Run run = Run.of(
                server::createClient, "install", "--set", "profile=ambient", "--set", "values.pilot.evn.FOO=1", "-y");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("Error: unknown value \"values.pilot.evn.FOO\": the istiod chart has no value evn.FOO."
                        + " Did you mean env?\n");

        Run global = Run.of(server::createClient, "install", "--set", "values.global.hubb=x", "-y");
        assertThat(global.err())
                .isEqualTo(
                        "Error: unknown value \"values.global.hubb\": none of the charts (base, istiod, cni, ztunnel)"
                                + " has a value global.hubb. Did you mean global.hub?\n");

        Run top = Run.of(server::createClient, "install", "--set", "pilot.env.X=1", "-y");
        assertThat(top.err()).startsWith("Error: unknown value \"pilot\": an IstioOperator spec has [components, hub,");
        // nothing reached the cluster
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void knownValuesOfEveryKindPass() {
        Run run = Run.of(
                server::createClient,
                "install",
                "--dry-run",
                "--set",
                "profile=ambient",
                "--set",
                "hub=example.org/a4j",
                "--set",
                "tag=0.1.0",
                "--set",
                "meshConfig.accessLogFile=/dev/stdout",
                "--set",
                "values.global.platform=gke",
                "--set",
                "values.pilot.env.PILOT_X=true",
                "--set",
                "values.cni.cniBinDir=/opt/cni/bin",
                "--set",
                "values.ztunnel.resources.limits.cpu=2",
                "--set",
                "values.base.validationFailurePolicy=Fail");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Dry run: ").contains("ztunnel\tDaemonSet/istio-system/ztunnel");
    }

    @Test
    void unreachableApiServerSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl("https://127.0.0.1:" + closedPort)
                .withRequestRetryBackoffLimit(0)
                .build();
        Run run = Run.of(
                () -> new KubernetesClientBuilder().withConfig(config).build(),
                "install",
                "--set",
                "profile=ambient",
                "-y");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("Error: cannot reach the Kubernetes API server at https://127.0.0.1:" + closedPort)
                .contains("Check that the cluster is running");
    }

    @Test
    void forbiddenSaysWhichRequestAndWhatRightsAreNeeded() {
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/istio-system")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage(
                                        "namespaces \"istio-system\" is forbidden: User \"dev\" cannot get resource"
                                                + " \"namespaces\" in API group \"\" in the namespace \"istio-system\"")
                                .build())
                .always();
        Run run = Run.of(server::createClient, "install", "--set", "profile=ambient", "-y");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("Error: permission denied: the API server refused to create Namespace istio-system (403"
                        + " Forbidden: namespaces \"istio-system\" is forbidden: User \"dev\" cannot get resource")
                .contains("needs cluster-admin");
    }
}
