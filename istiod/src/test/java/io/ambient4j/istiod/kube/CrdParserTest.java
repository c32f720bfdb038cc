package io.ambient4j.istiod.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Custom resources parse per object: field names as upstream, unknown fields kept aside, bad types rejected. */
class CrdParserTest {
    private final KubernetesSerialization json = new KubernetesSerialization();
    private final CrdParser parser = new CrdParser();

    private GenericKubernetesResource generic(String yaml) {
        return json.unmarshal(yaml, GenericKubernetesResource.class);
    }

    @Test
    void authorizationPolicyFieldsAsUpstream() {
        AuthorizationPolicy ap = parser.parse(generic("""
                        apiVersion: security.istio.io/v1
                        kind: AuthorizationPolicy
                        metadata: {name: p, namespace: ns}
                        spec:
                          selector: {matchLabels: {app: a}}
                          action: DENY
                          rules:
                          - from: [{source: {principals: [a], notIpBlocks: [1.2.3.4], remoteIpBlocks: [5.6.7.8]}}]
                            to: [{operation: {ports: ["80"], notMethods: [GET]}}]
                            when: [{key: source.ip, values: [1.1.1.1], notValues: [2.2.2.2]}]
                          targetRefs: [{kind: Service, group: "", name: s}]
                        """), AuthorizationPolicy.class);
        assertThat(ap.getSpec().selector.matchLabels).containsEntry("app", "a");
        assertThat(ap.getSpec().action).isEqualTo("DENY");
        var rule = ap.getSpec().rules.getFirst();
        assertThat(rule.from.getFirst().source.notIpBlocks).containsExactly("1.2.3.4");
        assertThat(rule.from.getFirst().source.remoteIpBlocks).containsExactly("5.6.7.8");
        assertThat(rule.to.getFirst().operation.notMethods).containsExactly("GET");
        assertThat(rule.when.getFirst().notValues).containsExactly("2.2.2.2");
        assertThat(ap.getSpec().targetRefs.getFirst().kind).isEqualTo("Service");
    }

    @Test
    void otherKindsParse() {
        PeerAuthentication pa = parser.parse(generic("""
                        apiVersion: security.istio.io/v1
                        kind: PeerAuthentication
                        metadata: {name: p, namespace: ns}
                        spec: {mtls: {mode: STRICT}, portLevelMtls: {"9090": {mode: PERMISSIVE}}}
                        """), PeerAuthentication.class);
        assertThat(pa.getSpec().portLevelMtls.get("9090").mode).isEqualTo("PERMISSIVE");
        ServiceEntry se = parser.parse(generic("""
                        apiVersion: networking.istio.io/v1
                        kind: ServiceEntry
                        metadata: {name: se, namespace: ns}
                        spec:
                          hosts: [a.example.com]
                          ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]
                          resolution: DNS
                          workloadSelector: {labels: {app: a}}
                          endpoints: [{address: 1.2.3.4, ports: {http: 8081}, weight: 3}]
                        status:
                          addresses: [{host: a.example.com, value: 240.240.0.7}]
                        """), ServiceEntry.class);
        assertThat(se.getSpec().endpoints.getFirst().ports).containsEntry("http", 8081);
        assertThat(se.getStatus().addresses.getFirst().value).isEqualTo("240.240.0.7");
        WorkloadEntry we = parser.parse(generic("""
                        apiVersion: networking.istio.io/v1
                        kind: WorkloadEntry
                        metadata: {name: we, namespace: ns}
                        spec: {address: 10.0.0.1, serviceAccount: sa, locality: r/z, network: n1}
                        """), WorkloadEntry.class);
        assertThat(we.getSpec().locality).isEqualTo("r/z");
        Gateway gw = parser.parse(generic("""
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: Gateway
                        metadata: {name: wp, namespace: ns}
                        spec:
                          gatewayClassName: istio-waypoint
                          listeners:
                          - {name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {a: b}}}}}
                        status:
                          addresses: [{type: Hostname, value: wp.ns.svc.cluster.local}]
                          conditions: [{type: Programmed, status: "True", reason: Programmed, message: ok, lastTransitionTime: "2026-01-01T00:00:00Z"}]
                        """), Gateway.class);
        assertThat(gw.getSpec()
                        .listeners
                        .getFirst()
                        .allowedRoutes
                        .namespaces
                        .selector
                        .getMatchLabels())
                .containsEntry("a", "b");
        assertThat(gw.getStatus().conditions.getFirst().getType()).isEqualTo("Programmed");
    }

    @Test
    void unknownFieldsAreKeptAsideNotFatal() {
        AuthorizationPolicy ap = parser.parse(generic("""
                        apiVersion: security.istio.io/v1
                        kind: AuthorizationPolicy
                        metadata: {name: p, namespace: ns}
                        spec: {action: ALLOW, futureThing: 1, rules: [{from: [{source: {newField: x}}]}]}
                        """), AuthorizationPolicy.class);
        List<String> unknown = new ArrayList<>();
        CrdParser.collectUnknown("spec", ap.getSpec(), unknown);
        assertThat(unknown).containsExactlyInAnyOrder("spec.futureThing", "spec.rules[0].from[0].source.newField");
    }

    @Test
    void malformedFieldGivesAClearErrorForThatObject() {
        GenericKubernetesResource bad = generic("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: bad, namespace: ns}
                spec: {hosts: [a], ports: [{number: eighty, name: http}]}
                """);
        assertThatThrownBy(() -> parser.parse(bad, ServiceEntry.class))
                .isInstanceOfSatisfying(MalformedResourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo("MalformedResource");
                    assertThat(e.resource()).isEqualTo("ServiceEntry ns/bad");
                    assertThat(e.getMessage())
                            .startsWith("ServiceEntry ns/bad is malformed: ")
                            .contains("eighty");
                });
    }
}
