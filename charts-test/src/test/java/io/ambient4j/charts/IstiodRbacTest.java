package io.ambient4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** helm-charts.md §3.5: the RBAC the istiod chart grants. */
class IstiodRbacTest {

    @Test
    void clusterRoleGrantsWhatTheAmbientControlPlaneNeeds() {
        Manifest m = Render.ambient(Chart.ISTIOD).call();
        List<PolicyRule> rules =
                m.get(ClusterRole.class, "istiod-clusterrole-istio-system").getRules();
        assertThat(verbs(rules, "authentication.k8s.io", "tokenreviews")).containsExactly("create");
        assertThat(verbs(rules, "authorization.k8s.io", "subjectaccessreviews")).containsExactly("create");
        assertThat(verbs(rules, "", "pods")).containsExactly("get", "list", "watch");
        assertThat(verbs(rules, "", "namespaces")).containsExactly("get", "list", "watch");
        assertThat(verbs(rules, "discovery.k8s.io", "endpointslices")).containsExactly("get", "list", "watch");
        assertThat(verbs(rules, "", "configmaps")).containsExactly("create", "get", "list", "watch", "update");
        assertThat(verbs(rules, "", "services/status"))
                .containsExactly("get", "watch", "list", "update", "patch", "create", "delete");
        assertThat(verbs(rules, "security.istio.io", "*")).containsExactly("get", "watch", "list");
        assertThat(verbs(rules, "gateway.networking.k8s.io", "gatewayclasses"))
                .containsExactly("create", "update", "patch", "delete");
        assertThat(verbs(rules, "gateway.networking.k8s.io", "gateways/status")).containsExactly("update", "patch");
        assertThat(verbs(rules, "admissionregistration.k8s.io", "validatingwebhookconfigurations"))
                .containsExactly("get", "list", "watch", "update");
        assertThat(verbs(rules, "", "secrets")).containsExactly("get", "watch", "list");

        List<PolicyRule> gw = m.get(ClusterRole.class, "istiod-gateway-controller-istio-system")
                .getRules();
        for (String[] r : new String[][] {
            {"apps", "deployments"},
            {"autoscaling", "horizontalpodautoscalers"},
            {"policy", "poddisruptionbudgets"},
            {"", "services"},
            {"", "serviceaccounts"}
        }) {
            assertThat(verbs(gw, r[0], r[1]))
                    .containsExactly("get", "watch", "list", "update", "patch", "create", "delete");
        }
        ClusterRoleBinding b = m.get(ClusterRoleBinding.class, "istiod-clusterrole-istio-system");
        assertThat(b.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("istiod");
            assertThat(s.getNamespace()).isEqualTo("istio-system");
        });
        assertThat(m.get(ClusterRoleBinding.class, "istio-reader-clusterrole-istio-system")
                        .getSubjects()
                        .getFirst()
                        .getName())
                .isEqualTo("istio-reader-service-account");

        List<PolicyRule> role = m.get(Role.class, "istiod").getRules();
        assertThat(verbs(role, "", "secrets")).containsExactly("create", "get", "watch", "list", "update", "delete");
        assertThat(verbs(role, "coordination.k8s.io", "leases")).containsExactly("get", "update", "patch", "create");
        assertThat(verbs(role, "networking.istio.io", "gateways")).containsExactly("create");

        assertThat(Render.ambient(Chart.ISTIOD)
                        .set("env.PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER", "false")
                        .call()
                        .find(ClusterRole.class, "istiod-gateway-controller-istio-system"))
                .isEmpty();
    }

    static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
        return rules.stream()
                .filter(r ->
                        r.getApiGroups().contains(group) && r.getResources().contains(resource))
                .findFirst()
                .map(PolicyRule::getVerbs)
                .orElseThrow(() -> new AssertionError("no rule for " + group + "/" + resource));
    }
}
