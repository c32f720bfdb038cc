package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.agent.EnrolmentPolicy.Reason;
import io.ambient4j.cni.rules.PodRuleOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnrolmentPolicyTest {
    private static final Map<String, String> AMBIENT_NS = Map.of("istio.io/dataplane-mode", "ambient");
    private static final Map<String, String> PLAIN_NS = Map.of();
    private static final EnrolmentPolicy POLICY = EnrolmentPolicy.defaults();

    private static PodView pod(String ns, Map<String, String> labels, Map<String, String> annotations, boolean host) {
        return new PodView("uid-1", "p", ns, labels, annotations, host, "Running", List.of("10.0.0.5"));
    }

    private static PodView pod(Map<String, String> labels) {
        return pod("app", labels, Map.of(), false);
    }

    static Stream<Arguments> cases() {
        Map<String, String> ambient = Map.of("istio.io/dataplane-mode", "ambient");
        Map<String, String> none = Map.of("istio.io/dataplane-mode", "none");
        return Stream.of(
                Arguments.of("C007 namespace label enrols", pod(Map.of()), AMBIENT_NS, true, Reason.NAMESPACE_LABEL),
                Arguments.of("C008 pod label alone enrols", pod(ambient), PLAIN_NS, true, Reason.POD_LABEL),
                Arguments.of("C008 pod label wins in ambient ns", pod(ambient), AMBIENT_NS, true, Reason.POD_LABEL),
                Arguments.of("C009 pod opt-out in ambient ns", pod(none), AMBIENT_NS, false, Reason.POD_OPT_OUT),
                Arguments.of("neither labelled", pod(Map.of()), PLAIN_NS, false, Reason.NOT_SELECTED),
                Arguments.of(
                        "namespace label other value",
                        pod(Map.of()),
                        Map.of("istio.io/dataplane-mode", "sidecar"),
                        false,
                        Reason.NOT_SELECTED),
                Arguments.of(
                        "C011 hostNetwork in ambient ns",
                        pod("app", Map.of(), Map.of(), true),
                        AMBIENT_NS,
                        false,
                        Reason.HOST_NETWORK),
                Arguments.of(
                        "C011 hostNetwork with ambient label",
                        pod("app", ambient, Map.of(), true),
                        PLAIN_NS,
                        false,
                        Reason.HOST_NETWORK),
                Arguments.of(
                        "C012 excluded namespace",
                        pod("kube-system", ambient, Map.of(), false),
                        AMBIENT_NS,
                        false,
                        Reason.EXCLUDED_NAMESPACE),
                Arguments.of(
                        "sidecar-injected pod",
                        pod("app", Map.of(), Map.of("sidecar.istio.io/status", "{}"), false),
                        AMBIENT_NS,
                        false,
                        Reason.SIDECAR_INJECTED),
                Arguments.of(
                        "ztunnel pod in system namespace",
                        pod("istio-system", Map.of("app", "ztunnel"), Map.of(), false),
                        AMBIENT_NS,
                        false,
                        Reason.ZTUNNEL_POD),
                Arguments.of(
                        "app=ztunnel elsewhere is an ordinary pod",
                        pod("app", Map.of("app", "ztunnel"), Map.of(), false),
                        AMBIENT_NS,
                        true,
                        Reason.NAMESPACE_LABEL),
                Arguments.of(
                        "C016 terminated Job pod",
                        new PodView("u", "job", "app", Map.of(), Map.of(), false, "Succeeded", List.of("10.0.0.9")),
                        AMBIENT_NS,
                        false,
                        Reason.TERMINATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void C007_to_C016_enrolmentDecision(
            String name, PodView pod, Map<String, String> nsLabels, boolean ambient, Reason reason) {
        assertThat(POLICY.decide(pod, nsLabels)).isEqualTo(new EnrolmentPolicy.Decision(ambient, reason));
    }

    private static PodView annotated(String redirection, List<String> ips) {
        Map<String, String> ann = new HashMap<>();
        if (redirection != null) {
            ann.put("ambient.istio.io/redirection", redirection);
        }
        return new PodView("u", "p", "app", Map.of(), ann, false, "Running", ips);
    }

    static Stream<Arguments> plans() {
        List<String> ip = List.of("10.0.0.5");
        List<String> dual = List.of("10.0.0.5", "fd00::5");
        return Stream.of(
                Arguments.of("C013 labelled ns, running pod", true, annotated(null, ip), MeshAction.ADD),
                Arguments.of("C016 dual-stack pod added", true, annotated(null, dual), MeshAction.ADD),
                Arguments.of("C016 no IP yet", true, annotated(null, List.of()), MeshAction.WAIT_FOR_IP),
                Arguments.of("pending is retried", true, annotated("pending", ip), MeshAction.ADD),
                Arguments.of("enabled stays", true, annotated("enabled", ip), MeshAction.NOTHING),
                Arguments.of("C014 unlabelled ns removes", false, annotated("enabled", ip), MeshAction.REMOVE),
                Arguments.of("pending must be undone", false, annotated("pending", ip), MeshAction.REMOVE),
                Arguments.of("never enrolled", false, annotated(null, ip), MeshAction.NOTHING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void C013_C014_C016_meshAction(String name, boolean ambient, PodView pod, MeshAction expected) {
        assertThat(MeshAction.plan(new EnrolmentPolicy.Decision(ambient, Reason.POD_LABEL), pod))
                .isEqualTo(expected);
    }

    @Test
    void C027_enabledPodUnknownToThisRunIsAdopted() {
        PodView enabled = annotated("enabled", List.of("10.0.0.5"));
        EnrolmentPolicy.Decision yes = new EnrolmentPolicy.Decision(true, Reason.NAMESPACE_LABEL);
        assertThat(MeshAction.plan(yes, enabled, false)).isEqualTo(MeshAction.ADOPT);
        assertThat(MeshAction.plan(yes, enabled, true)).isEqualTo(MeshAction.NOTHING);
        EnrolmentPolicy.Decision no = new EnrolmentPolicy.Decision(false, Reason.NOT_SELECTED);
        assertThat(MeshAction.plan(no, enabled, false)).isEqualTo(MeshAction.REMOVE);
        assertThat(MeshAction.plan(yes, annotated(null, List.of("10.0.0.5")), false))
                .isEqualTo(MeshAction.ADD);
    }

    @Test
    void C012_enrolledPodInNewlyExcludedNamespaceIsRemoved() {
        PodView pod = new PodView(
                "u",
                "p",
                "kube-system",
                Map.of("istio.io/dataplane-mode", "ambient"),
                Map.of("ambient.istio.io/redirection", "enabled"),
                false,
                "Running",
                List.of("10.0.0.1"));
        assertThat(MeshAction.plan(POLICY.decide(pod, AMBIENT_NS), pod)).isEqualTo(MeshAction.REMOVE);
    }

    @Test
    void C021_C022_ruleOptionsFromAnnotations() {
        PodView plain = pod(Map.of());
        assertThat(PodRuleOptionsFromPod.of(plain, true, false)).isEqualTo(PodRuleOptions.defaults());
        PodView annotated = pod(
                "app",
                Map.of(),
                Map.of(
                        "ambient.istio.io/bypass-inbound-capture", "true",
                        "ambient.istio.io/dns-capture", "False",
                        "istio.io/reroute-virtual-interfaces", " tap0, kubevirt1 ,"),
                false);
        assertThat(PodRuleOptionsFromPod.of(annotated, true, true))
                .isEqualTo(new PodRuleOptions(false, true, List.of("tap0", "kubevirt1"), true));
        PodView dnsOn = pod("app", Map.of(), Map.of("ambient.istio.io/dns-capture", "1"), false);
        assertThat(PodRuleOptionsFromPod.of(dnsOn, false, false).dnsCapture()).isTrue();
        PodView bogus = pod(
                "app",
                Map.of(),
                Map.of("ambient.istio.io/dns-capture", "yes", "traffic.sidecar.istio.io/kubevirtInterfaces", "net1"),
                false);
        assertThat(PodRuleOptionsFromPod.of(bogus, false, false))
                .as("unparsable boolean ignored; legacy interfaces annotation honoured")
                .isEqualTo(new PodRuleOptions(false, false, List.of("net1"), false));
    }

    /** Selects every pod of namespaces labelled {@code mesh=on}, whatever the pod's labels. */
    private static final EnrolmentPolicy CUSTOM = new EnrolmentPolicy(
            java.util.Set.of("kube-system"),
            "istio-system",
            io.ambient4j.cni.enablement.EnablementSelectors.parse(
                    "- namespaceSelector: {matchLabels: {mesh: \"on\"}}"));

    static Stream<Arguments> customCases() {
        Map<String, String> meshNs = Map.of("mesh", "on");
        return Stream.of(
                Arguments.of("C019 custom selector enrols", pod(Map.of()), meshNs, true, Reason.SELECTOR),
                Arguments.of(
                        "C019 default labels no longer enrol", pod(Map.of()), AMBIENT_NS, false, Reason.NOT_SELECTED),
                Arguments.of(
                        "C009 pod opt-out beats a custom selector",
                        pod(Map.of("istio.io/dataplane-mode", "none")),
                        meshNs,
                        false,
                        Reason.POD_OPT_OUT),
                Arguments.of(
                        "C011 hostNetwork beats a custom selector",
                        pod("app", Map.of(), Map.of(), true),
                        meshNs,
                        false,
                        Reason.HOST_NETWORK),
                Arguments.of(
                        "C012 excluded namespace beats a custom selector",
                        pod("kube-system", Map.of(), Map.of(), false),
                        meshNs,
                        false,
                        Reason.EXCLUDED_NAMESPACE),
                Arguments.of(
                        "C019 sidecar-injected beats a custom selector",
                        pod("app", Map.of(), Map.of("sidecar.istio.io/status", "{}"), false),
                        meshNs,
                        false,
                        Reason.SIDECAR_INJECTED),
                Arguments.of(
                        "C019 ztunnel beats a custom selector",
                        pod("istio-system", Map.of("app", "ztunnel"), Map.of(), false),
                        meshNs,
                        false,
                        Reason.ZTUNNEL_POD));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("customCases")
    void C019_customSelectorsKeepHardExclusions(
            String name, PodView pod, Map<String, String> nsLabels, boolean ambient, Reason reason) {
        assertThat(CUSTOM.decide(pod, nsLabels)).as(name).isEqualTo(new EnrolmentPolicy.Decision(ambient, reason));
    }
}
