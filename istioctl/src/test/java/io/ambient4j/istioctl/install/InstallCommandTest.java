package io.ambient4j.istioctl.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istioctl.Run;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * C001 (the istioctl path): {@code istioctl install --set profile=ambient -y} against fabric8's CRUD
 * mock API server applies every object of the four charts, in chart order and Helm's order within
 * each chart, and waits for the workloads; {@code uninstall} removes them again.
 */
@EnableKubernetesMockClient(crud = true)
class InstallCommandTest {
    KubernetesMockServer server;
    KubernetesClient client;

    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    @AfterEach
    void stopInformers() {
        informers.forEach(SharedIndexInformer::close);
    }

    /** Plays the kubelet and controllers: every Deployment and DaemonSet that appears becomes ready. */
    private void markWorkloadsReady() {
        informers.add(client.apps().deployments().inAnyNamespace().inform(new OnAdd<>(d -> {
            int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            client.apps()
                    .deployments()
                    .inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName())
                    .editStatus(x -> {
                        x.setStatus(new DeploymentStatusBuilder()
                                .withReplicas(want)
                                .withAvailableReplicas(want)
                                .withReadyReplicas(want)
                                .build());
                        return x;
                    });
        })));
        informers.add(client.apps()
                .daemonSets()
                .inAnyNamespace()
                .inform(new OnAdd<>(ds -> client.apps()
                        .daemonSets()
                        .inNamespace(ds.getMetadata().getNamespace())
                        .withName(ds.getMetadata().getName())
                        .editStatus(x -> {
                            x.setStatus(new DaemonSetStatusBuilder()
                                    .withDesiredNumberScheduled(2)
                                    .withNumberReady(2)
                                    .withUpdatedNumberScheduled(2)
                                    .withCurrentNumberScheduled(2)
                                    .withNumberMisscheduled(0)
                                    .build());
                            return x;
                        }))));
    }

    private record OnAdd<T>(java.util.function.Consumer<T> action) implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            action.accept(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {}

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    }

    /** What the four charts render for the ambient profile, in install order (the test's oracle). */
    static List<HasMetadata> expectedObjects() {
        try (BundledCharts charts = BundledCharts.extract()) {
            InstallSpec spec =
                    InstallSpec.build(List.of(), List.of("profile=ambient"), charts, ValuesSchema.load(charts));
            assertThat(spec.components())
                    .containsExactly(Component.BASE, Component.ISTIOD, Component.CNI, Component.ZTUNNEL);
            return Installer.Plan.render(spec, new Renderer(charts)).objects().values().stream()
                    .flatMap(List::stream)
                    .toList();
        }
    }

    /**
     * The objects istioctl wrote (a create POST, shown as its collection path + "/*" because the mock
     * does not keep request bodies, or an update PATCH as field manager istioctl: the mock
     * answers the server-side apply with 415, then istioctl sends a merge patch),
     * as object paths, in the order the server saw them. The test's own status updates are left out.
     */
    private List<String> appliedPaths() throws InterruptedException {
        List<String> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if (r.getMethod().equals("POST") && !plain.endsWith("/api/v1/namespaces")) {
                out.add(plain + "/*");
            } else if (r.getMethod().equals("PATCH")
                    && path.contains("fieldManager=istioctl")
                    && String.valueOf(r.getHeader("Content-Type")).startsWith("application/merge-patch+json")) {
                out.add(plain);
            }
        }
        return out;
    }

    static String pathOf(HasMetadata o) {
        String version = o.getApiVersion();
        String prefix = version.contains("/") ? "/apis/" + version : "/api/" + version;
        String ns = o.getMetadata().getNamespace();
        return prefix + (ns == null ? "" : "/namespaces/" + ns) + "/" + HasMetadata.getPlural(o.getClass()) + "/"
                + o.getMetadata().getName();
    }

    @Test
    void C001_installAppliesEveryObjectOfTheFourChartsInOrderAndWaitsForReadiness() throws Exception {
        markWorkloadsReady();
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // drop the informers' list/watch requests
        }

        Run run = Run.of(
                server::createClient,
                "install",
                "--set",
                "profile=ambient",
                "--skip-confirmation",
                "--readiness-timeout",
                "60s");

        assertThat(run.code()).as(run.toString()).isZero();
        List<HasMetadata> expected = expectedObjects();
        assertThat(expected).hasSizeGreaterThan(25);
        assertThat(appliedPaths())
                .containsExactlyElementsOf(expected.stream()
                        .map(o -> pathOf(o).substring(0, pathOf(o).lastIndexOf('/')) + "/*")
                        .toList());

        // every object exists afterwards (completeness, read back through the API), and the mock's
        // resourceVersion counter shows they were created in exactly the rendered order
        long previous = -1;
        for (HasMetadata o : expected) {
            HasMetadata live = client.resource(o).get();
            assertThat(live).as(Renderer.ref(o)).isNotNull();
            long version = Long.parseLong(live.getMetadata().getResourceVersion());
            if (!Readiness.isWorkload(o)) { // the test's status updates bump workloads' versions
                assertThat(version)
                        .as("created after the object before it: %s", Renderer.ref(o))
                        .isGreaterThan(previous);
                previous = version;
            }
        }
        assertThat(client.namespaces().withName("istio-system").get()).isNotNull();
        assertThat(client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("authorizationpolicies.security.istio.io")
                        .get())
                .isNotNull();

        // progress display, in component order, then the report
        assertThat(run.out())
                .containsSubsequence(
                        "✔ Istio core installed",
                        "✔ Istiod installed",
                        "✔ CNI installed",
                        "✔ Ztunnel installed",
                        "✔ Installation complete")
                .contains("objects to namespace istio-system (profile ambient)")
                .contains("istio.io/dataplane-mode=ambient");

        // a second install is an update: the same objects again, now server-side applied
        Run again = Run.of(server::createClient, "install", "--set", "profile=ambient", "-y");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(appliedPaths().stream().filter(p -> !p.endsWith("/*")).toList())
                .containsExactlyElementsOf(
                        expected.stream().map(InstallCommandTest::pathOf).toList());

        // uninstall: everything but the CRDs goes, in reverse order
        Run un = Run.of(server::createClient, "uninstall");
        assertThat(un.code()).as(un.toString()).isZero();
        assertThat(client.apps()
                        .daemonSets()
                        .inNamespace("istio-system")
                        .withName("ztunnel")
                        .get())
                .isNull();
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("istio-system")
                        .withName("istiod")
                        .get())
                .isNull();
        assertThat(un.out())
                .containsSubsequence(
                        "Removed DaemonSet/istio-system/ztunnel", "Removed Deployment/istio-system/istiod");
        assertThat(client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .list()
                        .getItems())
                .extracting(c -> c.getMetadata().getName())
                .contains("authorizationpolicies.security.istio.io");

        Run purge = Run.of(server::createClient, "uninstall", "--purge");
        assertThat(purge.code()).as(purge.toString()).isZero();
        assertThat(client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .list()
                        .getItems())
                .extracting(c -> c.getMetadata().getName())
                .noneMatch(n -> n.endsWith(".istio.io"));
        assertThat(expected.stream().filter(CustomResourceDefinition.class::isInstance))
                .isNotEmpty();
    }

    @Test
    void C001_readinessTimesOutWithAClearMessageWhenIstiodNeverBecomesAvailable() {
        Run run =
                Run.of(server::createClient, "install", "--set", "profile=ambient", "-y", "--readiness-timeout", "1s");

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        assertThat(run.err())
                .startsWith(
                        "Error: timed out after 1s waiting for Istiod to become ready: Deployment/istio-system/istiod (0/1 available)");
        assertThat(run.out())
                .contains("✔ Istio core installed")
                .contains("- Processing resources for Istiod. Waiting for Deployment/istio-system/istiod")
                .doesNotContain("✔ Istiod installed");
        // base and istiod were applied; cni and ztunnel were not reached
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("istio-system")
                        .withName("istiod")
                        .get())
                .isNotNull();
        assertThat(client.apps()
                        .daemonSets()
                        .inNamespace("istio-system")
                        .withName("ztunnel")
                        .get())
                .isNull();
    }

    @Test
    void C001_readinessCountsDaemonSetPodsNotJustExistence() {
        DaemonSet ds = new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
                .withNewStatus()
                .withDesiredNumberScheduled(3)
                .withNumberReady(2)
                .endStatus()
                .build();
        assertThat(Readiness.missing(ds)).contains("2/3 ready");
        Deployment d = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewSpec()
                .withReplicas(2)
                .endSpec()
                .withNewStatus()
                .withAvailableReplicas(2)
                .endStatus()
                .build();
        assertThat(Readiness.missing(d)).isEmpty();
    }
}
