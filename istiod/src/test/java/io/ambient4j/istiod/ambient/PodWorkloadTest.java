package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ambient4j.api.workload.Locality;
import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.api.workload.WorkloadStatus;
import io.ambient4j.api.workload.WorkloadType;
import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pod → Workload translation: catalogue §5 (C034, C035, C039). */
class PodWorkloadTest {
    private static final MeshSettings MESH = MeshSettings.defaults();

    private static Optional<Workload> translate(Pod p) {
        return WorkloadTranslator.fromPod(
                p, new WorkloadTranslator.Context(MESH, null, List.of(), List.of(), null, null));
    }

    private static PodBuilder phase(PodBuilder b, String phase, boolean ready) {
        return b.editStatus()
                .withPhase(phase)
                .withConditions()
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus();
    }

    @Test
    void C034_pendingPodWithoutIpHasNoWorkload() {
        Pod p = phase(pod(NS, "p", null, Map.of()), "Pending", false).build();
        assertThat(translate(p)).isEmpty();
    }

    static Stream<Arguments> C034_cases() {
        return Stream.of(
                Arguments.of("pending with IP", "Pending", false, WorkloadStatus.UNHEALTHY),
                Arguments.of("running not ready", "Running", false, WorkloadStatus.UNHEALTHY),
                Arguments.of("running ready", "Running", true, WorkloadStatus.HEALTHY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("C034_cases")
    void C034_phaseAndReadinessGiveStatus(String name, String phase, boolean ready, WorkloadStatus expected) {
        Pod p = phase(pod(NS, "p", "10.0.0.1", Map.of()), phase, ready).build();
        assertThat(translate(p)).get().extracting(Workload::getStatus).isEqualTo(expected);
    }

    @Test
    void C034_terminalPodsAndTerminatingPods() {
        assertThat(translate(phase(pod(NS, "p", "10.0.0.1", Map.of()), "Succeeded", false)
                        .build()))
                .isEmpty();
        assertThat(translate(phase(pod(NS, "p", "10.0.0.1", Map.of()), "Failed", false)
                        .build()))
                .isEmpty();
        Pod terminating = pod(NS, "p", "10.0.0.1", Map.of())
                .editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z")
                .endMetadata()
                .build();
        assertThat(translate(terminating)).get().extracting(Workload::getStatus).isEqualTo(WorkloadStatus.UNHEALTHY);
    }

    @Test
    void C034_podLifecycleThroughTheIndex() {
        AmbientIndex idx = Fixtures.index();
        Pod pending = phase(pod(NS, "p", null, Map.of()), "Pending", false).build();
        assertThat(Fixtures.upsert(idx, pending)).isEmpty();
        Pod withIp = phase(pod(NS, "p", "10.0.0.1", Map.of()), "Pending", false).build();
        Fixtures.upsert(idx, withIp);
        assertThat(Fixtures.workload(idx, Fixtures.podUid("p")).getStatus()).isEqualTo(WorkloadStatus.UNHEALTHY);
        Fixtures.upsert(idx, Fixtures.readyPod("p", "10.0.0.1"));
        assertThat(Fixtures.workload(idx, Fixtures.podUid("p")).getStatus()).isEqualTo(WorkloadStatus.HEALTHY);
    }

    @Test
    void C035_identityFieldsOfASimplePod() {
        Workload w =
                translate(Fixtures.readyPod("name", "1.2.3.4", "app", "foo")).orElseThrow();
        assertThat(w.getUid()).isEqualTo("Kubernetes//Pod/ns1/name");
        assertThat(w.getName()).isEqualTo("name");
        assertThat(w.getNamespace()).isEqualTo(NS);
        assertThat(w.getAddressesList()).containsExactly(ByteString.copyFrom(new byte[] {1, 2, 3, 4}));
        assertThat(w.getServiceAccount()).isEqualTo("sa1");
        assertThat(w.getNode()).isEqualTo("node1");
        assertThat(w.getClusterId()).isEqualTo("Kubernetes");
        assertThat(w.getCanonicalName()).isEqualTo("foo");
        assertThat(w.getCanonicalRevision()).isEqualTo("latest");
        assertThat(w.getWorkloadType()).isEqualTo(WorkloadType.POD);
        assertThat(w.getWorkloadName()).isEqualTo("name");
        assertThat(w.getTrustDomain()).as("cluster.local is omitted").isEmpty();
    }

    static Stream<Arguments> C035_canonicalCases() {
        return Stream.of(
                Arguments.of(labels(), "pod", "latest"),
                Arguments.of(labels("app", "a", "version", "v1"), "a", "v1"),
                Arguments.of(labels("app.kubernetes.io/name", "k", "app", "a"), "k", "latest"),
                Arguments.of(
                        labels("service.istio.io/canonical-name", "c", "app", "a", "app.kubernetes.io/version", "v2"),
                        "c",
                        "v2"),
                Arguments.of(labels("service.istio.io/canonical-revision", "r", "version", "v"), "pod", "r"));
    }

    @ParameterizedTest
    @MethodSource("C035_canonicalCases")
    void C035_canonicalNameAndRevisionFromLabels(Map<String, String> labels, String name, String revision) {
        Workload w = translate(pod(NS, "pod", "1.2.3.4", labels).build()).orElseThrow();
        assertThat(w.getCanonicalName()).isEqualTo(name);
        assertThat(w.getCanonicalRevision()).isEqualTo(revision);
    }

    private static Pod owned(String name, String generateName, String kind, String owner, Map<String, String> labels) {
        return pod(NS, name, "1.2.3.4", labels)
                .editMetadata()
                .withGenerateName(generateName)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withKind(kind)
                        .withName(owner)
                        .withController(true)
                        .build())
                .endMetadata()
                .build();
    }

    @Test
    void C035_workloadNameFromOwnerReferences() {
        Workload rs =
                translate(owned("rs-abc", "rs-", "ReplicaSet", "rs", labels())).orElseThrow();
        assertThat(rs.getWorkloadName()).isEqualTo("rs");
        assertThat(rs.getCanonicalName()).isEqualTo("rs");
        Workload deploy = translate(owned(
                        "web-5d9c7-xyz", "web-5d9c7-", "ReplicaSet", "web-5d9c7", labels("pod-template-hash", "5d9c7")))
                .orElseThrow();
        assertThat(deploy.getWorkloadName()).isEqualTo("web");
        Workload job = translate(owned("j-x", "j-", "Job", "myjob", labels())).orElseThrow();
        assertThat(job.getWorkloadName()).isEqualTo("myjob");
        Workload cron = translate(owned("c-1", "nightly-28512345-", "Job", "nightly-28512345", labels()))
                .orElseThrow();
        assertThat(cron.getWorkloadName()).isEqualTo("nightly");
        assertThat(cron.getWorkloadType()).as("upstream always sends POD").isEqualTo(WorkloadType.POD);
        Workload noGenerate = translate(pod(NS, "plain", "1.2.3.4", labels())
                        .editMetadata()
                        .withOwnerReferences(new OwnerReferenceBuilder()
                                .withKind("ReplicaSet")
                                .withName("other")
                                .withController(true)
                                .build())
                        .endMetadata()
                        .build())
                .orElseThrow();
        assertThat(noGenerate.getWorkloadName()).isEqualTo("plain");
    }

    @Test
    void C035_localityFromNodeAndTrustDomain() {
        AmbientIndex idx = new AmbientIndex(
                new MeshSettings("c1", "example.org", "istio-system", "net1", "cluster.local", "default", false),
                StatusSink.NONE);
        Fixtures.upsert(idx, Fixtures.node("node1", "r1", "z1"), Fixtures.readyPod("p", "1.2.3.4"));
        Workload w = Fixtures.workload(idx, "c1//Pod/ns1/p");
        assertThat(w.getLocality())
                .isEqualTo(Locality.newBuilder().setRegion("r1").setZone("z1").build());
        assertThat(w.getTrustDomain()).isEqualTo("example.org");
        assertThat(w.getNetwork()).isEqualTo("net1");
        // a node label change moves only that node's pods
        var deltas = Fixtures.upsert(idx, Fixtures.node("node1", "r2", "z2"));
        assertThat(Fixtures.upserted(deltas, io.ambient4j.istiod.xds.TypeUrls.ADDRESS))
                .containsExactly("c1//Pod/ns1/p");
        assertThat(Fixtures.workload(idx, "c1//Pod/ns1/p").getLocality().getRegion())
                .isEqualTo("r2");
    }

    @Test
    void C039_tunnelProtocol() {
        Pod plain = Fixtures.readyPod("p", "1.2.3.4");
        assertThat(translate(plain).orElseThrow().getTunnelProtocol()).isEqualTo(TunnelProtocol.NONE);
        Pod redirected = pod(NS, "p", "1.2.3.4", labels())
                .editMetadata()
                .addToAnnotations("ambient.istio.io/redirection", "enabled")
                .endMetadata()
                .build();
        Workload r = translate(redirected).orElseThrow();
        assertThat(r.getTunnelProtocol()).isEqualTo(TunnelProtocol.HBONE);
        assertThat(r.getNativeTunnel()).isFalse();
        Pod disabled = pod(NS, "p", "1.2.3.4", labels())
                .editMetadata()
                .addToAnnotations("ambient.istio.io/redirection", "disabled")
                .endMetadata()
                .build();
        assertThat(translate(disabled).orElseThrow().getTunnelProtocol()).isEqualTo(TunnelProtocol.NONE);
        Workload sidecar = translate(Fixtures.readyPod("p", "1.2.3.4", "networking.istio.io/tunnel", "http"))
                .orElseThrow();
        assertThat(sidecar.getTunnelProtocol()).isEqualTo(TunnelProtocol.HBONE);
        assertThat(sidecar.getNativeTunnel()).isTrue();
    }

    @Test
    void C039_workloadEntryWithTunnelLabelIsHbone() {
        WorkloadEntrySpec spec = new WorkloadEntrySpec();
        spec.address = "1.2.3.4";
        Workload w = WorkloadTranslator.fromWorkloadEntry(
                "uid",
                "we",
                NS,
                labels("networking.istio.io/tunnel", "http"),
                Map.of(),
                spec,
                new WorkloadTranslator.Context(MESH, null, List.of(), List.of(), null, null));
        assertThat(w.getTunnelProtocol()).isEqualTo(TunnelProtocol.HBONE);
        assertThat(w.getNativeTunnel()).isTrue();
    }

    @Test
    void hostNetworkAndDualStack() {
        Pod p = new PodBuilder(Fixtures.readyPod("p", "10.0.0.1"))
                .editSpec()
                .withHostNetwork(true)
                .endSpec()
                .editStatus()
                .addNewPodIP()
                .withIp("fd00::1")
                .endPodIP()
                .endStatus()
                .build();
        Workload w = translate(p).orElseThrow();
        assertThat(w.getNetworkMode()).isEqualTo(io.ambient4j.api.workload.NetworkMode.HOST_NETWORK);
        assertThat(w.getAddressesList()).hasSize(2);
        assertThat(w.getAddresses(1).size()).isEqualTo(16);
    }

    @Test
    void C034_oneFailingPodDoesNotStopTheBatch() {
        Pod broken = new Pod() {
            @Override
            public io.fabric8.kubernetes.api.model.PodSpec getSpec() {
                throw new IllegalStateException("boom");
            }
        };
        broken.setMetadata(Fixtures.readyPod("broken", "10.0.0.9").getMetadata());
        broken.setStatus(Fixtures.readyPod("broken", "10.0.0.9").getStatus());
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, broken, Fixtures.readyPod("fine", "10.0.0.1"));
        assertThat(Fixtures.workload(idx, Fixtures.podUid("fine"))).isNotNull();
        assertThat(Fixtures.workload(idx, Fixtures.podUid("broken"))).isNull();
        assertThat(idx.errors().get("Pod/ns1/broken"))
                .startsWith("TRANSLATION_FAILED")
                .contains("boom");
        // the pod is fixed: its workload appears and the error clears
        Fixtures.upsert(idx, Fixtures.readyPod("broken", "10.0.0.9"));
        assertThat(Fixtures.workload(idx, Fixtures.podUid("broken"))).isNotNull();
        assertThat(idx.errors()).doesNotContainKey("Pod/ns1/broken");
    }
}
