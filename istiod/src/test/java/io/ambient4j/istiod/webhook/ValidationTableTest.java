package io.ambient4j.istiod.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admission decision per kind, as a table: each row is an object's spec (JSON) and either "allowed" or
 * the field the refusal must name plus a fragment of its message. Rows go through {@link AdmissionDecider}
 * exactly as the webhook calls it (decoded JSON maps), so parsing and unknown-field checks are covered too.
 */
class ValidationTableTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final AdmissionDecider DECIDER = new AdmissionDecider(JSON);

    private static final String SEC = "security.istio.io";
    private static final String NET = "networking.istio.io";
    private static final String AP = "AuthorizationPolicy";
    private static final String PA = "PeerAuthentication";
    private static final String SE = "ServiceEntry";
    private static final String WE = "WorkloadEntry";

    static Stream<Arguments> rows() {
        return Stream.of(
                // AuthorizationPolicy
                ok(SEC, AP, "{}"),
                ok(SEC, AP, "{\"action\":\"DENY\",\"rules\":[{}]}"),
                ok(
                        SEC,
                        AP,
                        "{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"rules\":[{\"from\":[{\"source\":"
                                + "{\"principals\":[\"cluster.local/ns/a/sa/b\"],\"ipBlocks\":[\"10.0.0.0/8\",\"::1\"]}}],"
                                + "\"to\":[{\"operation\":{\"ports\":[\"0\",\"65535\"]}}],"
                                + "\"when\":[{\"key\":\"request.headers[x-id]\",\"values\":[\"1\"]}]}]}"),
                ok(
                        SEC,
                        AP,
                        "{\"targetRefs\":[{\"kind\":\"Gateway\",\"group\":\"gateway.networking.k8s.io\","
                                + "\"name\":\"waypoint\"}],\"rules\":[{}]}"),
                ok(SEC, AP, "{\"action\":\"CUSTOM\",\"provider\":{\"name\":\"ext-authz\"},\"rules\":[{}]}"),
                bad(SEC, AP, "{\"action\":\"REJECT\"}", "spec.action", "unknown action 'REJECT'"),
                bad(
                        SEC,
                        AP,
                        "{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"targetRefs\":[{\"kind\":\"Service\","
                                + "\"name\":\"s\"}]}",
                        "spec.selector",
                        "only one of selector or targetRefs"),
                bad(
                        SEC,
                        AP,
                        "{\"targetRef\":{\"kind\":\"Service\",\"name\":\"s\"},\"targetRefs\":[{\"kind\":\"Service\","
                                + "\"name\":\"t\"}]}",
                        "spec.targetRef",
                        "only one of targetRef or targetRefs"),
                bad(
                        SEC,
                        AP,
                        "{\"targetRefs\":[{\"kind\":\"Pod\",\"name\":\"p\"}]}",
                        "spec.targetRefs[0].kind",
                        "not a supported target"),
                bad(
                        SEC,
                        AP,
                        "{\"targetRefs\":[{\"kind\":\"Service\",\"name\":\"s\",\"namespace\":\"other\"}]}",
                        "spec.targetRefs[0].namespace",
                        "cross-namespace"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"to\":[{\"operation\":{\"ports\":[\"80\",\"70000\"]}}]}]}",
                        "spec.rules[0].to[0].operation.ports[1]",
                        "port '70000' is not a number in 0-65535"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"to\":[{\"operation\":{\"notPorts\":[\"-1\"]}}]}]}",
                        "spec.rules[0].to[0].operation.notPorts[0]",
                        "0-65535"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"from\":[{\"source\":{\"principals\":[\"a\",\"\"]}}]}]}",
                        "spec.rules[0].from[0].source.principals[1]",
                        "must not be an empty string"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"from\":[{\"source\":{}}]}]}",
                        "spec.rules[0].from[0].source",
                        "must not be empty"),
                bad(SEC, AP, "{\"rules\":[{\"from\":[]}]}", "spec.rules[0].from", "must not be an empty list"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"from\":[{\"source\":{\"ipBlocks\":[\"10.0.0.0/33\"]}}]}]}",
                        "spec.rules[0].from[0].source.ipBlocks[0]",
                        "not an IP address or CIDR"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"from\":[{\"source\":{\"principals\":[\"a\"],\"serviceAccounts\":[\"b\"]}}]}]}",
                        "spec.rules[0].from[0].source.serviceAccounts",
                        "cannot be combined with principals"),
                bad(SEC, AP, "{\"action\":\"CUSTOM\",\"rules\":[{}]}", "spec.provider.name", "needs a provider name"),
                bad(SEC, AP, "{\"provider\":{\"name\":\"x\"}}", "spec.provider", "only allowed with action CUSTOM"),
                bad(SEC, AP, "{\"action\":\"DENY\"}", "spec.rules", "never triggers"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"when\":[{\"key\":\"source.pod\",\"values\":[\"x\"]}]}]}",
                        "spec.rules[0].when[0].key",
                        "unknown attribute 'source.pod'"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"when\":[{\"key\":\"destination.port\"}]}]}",
                        "spec.rules[0].when[0]",
                        "values or notValues"),
                bad(
                        SEC,
                        AP,
                        "{\"rules\":[{\"from\":[{\"source\":{\"principal\":[\"a\"]}}]}]}",
                        "spec.rules[0].from[0].source.principal",
                        "unknown field"),
                bad(
                        SEC,
                        AP,
                        "{\"selector\":{\"matchLabels\":{\"app\":\"*\"}}}",
                        "spec.selector.matchLabels[app]",
                        "wildcard is not supported"),
                // PeerAuthentication
                ok(SEC, PA, "{\"mtls\":{\"mode\":\"STRICT\"}}"),
                ok(
                        SEC,
                        PA,
                        "{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"portLevelMtls\":{\"8080\":"
                                + "{\"mode\":\"DISABLE\"}}}"),
                bad(SEC, PA, "{\"mtls\":{\"mode\":\"strict\"}}", "spec.mtls.mode", "unknown mode 'strict'"),
                bad(
                        SEC,
                        PA,
                        "{\"portLevelMtls\":{\"8080\":{\"mode\":\"DISABLE\"}}}",
                        "spec.portLevelMtls",
                        "requires a workload selector"),
                bad(
                        SEC,
                        PA,
                        "{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"portLevelMtls\":{\"0\":{\"mode\":\"DISABLE\"}}}",
                        "spec.portLevelMtls[0]",
                        "1-65535"),
                bad(
                        SEC,
                        PA,
                        "{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"portLevelMtls\":{\"80\":{\"mode\":\"ON\"}}}",
                        "spec.portLevelMtls[80].mode",
                        "unknown mode 'ON'"),
                // ServiceEntry
                ok(
                        NET,
                        SE,
                        "{\"hosts\":[\"api.example.com\"],\"ports\":[{\"number\":443,\"name\":\"https\","
                                + "\"protocol\":\"TLS\"}],\"resolution\":\"DNS\"}"),
                ok(
                        NET,
                        SE,
                        "{\"hosts\":[\"db.internal\"],\"addresses\":[\"240.0.0.1\"],\"ports\":[{\"number\":5432,"
                                + "\"name\":\"tcp\"}],\"resolution\":\"STATIC\",\"endpoints\":[{\"address\":\"10.1.1.1\","
                                + "\"ports\":{\"tcp\":15432}}]}"),
                ok(NET, SE, "{\"hosts\":[\"*.example.com\"],\"ports\":[{\"number\":80,\"name\":\"http\"}]}"),
                bad(NET, SE, "{\"ports\":[{\"number\":80,\"name\":\"http\"}]}", "spec.hosts", "at least one host"),
                bad(NET, SE, "{\"hosts\":[\"*\"]}", "spec.hosts[0]", "a bare '*' is not"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"resolution\":\"NONE\",\"endpoints\":[{\"address\":\"1.1.1.1\"}]}",
                        "spec.endpoints",
                        "must be empty when resolution is NONE"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"resolution\":\"STATIC\",\"endpoints\":[{\"address\":\"db.a.com\"}]}",
                        "spec.endpoints[0].address",
                        "is not an IP address"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"*.a.com\"],\"resolution\":\"DNS\"}",
                        "spec.hosts[0]",
                        "wildcard host '*.a.com' cannot be resolved"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"resolution\":\"DNS_ROUND_ROBIN\",\"endpoints\":[{\"address\":\"x.com\"},"
                                + "{\"address\":\"y.com\"}]}",
                        "spec.endpoints",
                        "at most one endpoint"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"resolution\":\"DNS_SRV\"}",
                        "spec.resolution",
                        "unknown resolution"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"ports\":[{\"number\":0,\"name\":\"x\"}]}",
                        "spec.ports[0].number",
                        "1-65535"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"ports\":[{\"number\":80,\"name\":\"x\"},{\"number\":80,\"name\":\"y\"}]}",
                        "spec.ports[1].number",
                        "already declared at spec.ports[0]"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"ports\":[{\"number\":80,\"name\":\"x\"},{\"number\":81,\"name\":\"x\"}]}",
                        "spec.ports[1].name",
                        "not unique"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"ports\":[{\"number\":80,\"name\":\"x\",\"protocol\":\"QUIC\"}]}",
                        "spec.ports[0].protocol",
                        "unsupported protocol"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"ports\":[{\"number\":80,\"name\":\"x\"}],\"resolution\":\"STATIC\","
                                + "\"endpoints\":[{\"address\":\"1.1.1.1\",\"ports\":{\"y\":8080}}]}",
                        "spec.endpoints[0].ports[y]",
                        "names no port declared"),
                bad(
                        NET,
                        SE,
                        "{\"hosts\":[\"a.com\"],\"resolution\":\"STATIC\",\"workloadSelector\":{\"labels\":{\"a\":\"b\"}},"
                                + "\"endpoints\":[{\"address\":\"1.1.1.1\"}]}",
                        "spec.workloadSelector",
                        "only one of workloadSelector or endpoints"),
                bad(NET, SE, "{\"hosts\":[\"a.com\"],\"addresses\":[\"1.2.3\"]}", "spec.addresses[0]", "not an IP"),
                // WorkloadEntry
                ok(NET, WE, "{\"address\":\"10.0.0.5\",\"ports\":{\"http\":8080},\"serviceAccount\":\"vm\"}"),
                ok(NET, WE, "{\"address\":\"vm1.example.com\"}"),
                ok(NET, WE, "{\"network\":\"remote\"}"),
                bad(NET, WE, "{\"labels\":{\"app\":\"vm\"}}", "spec.address", "must be set unless network is set"),
                bad(NET, WE, "{\"address\":\"10.0.0.300\"}", "spec.address", "is not an IP address, DNS name"),
                bad(NET, WE, "{\"address\":\"unix://rel\"}", "spec.address", "absolute path"),
                bad(NET, WE, "{\"address\":\"10.0.0.5\",\"ports\":{\"http\":0}}", "spec.ports[http]", "1-65535"),
                // networking.istio.io Gateway (C001's live-validation probe)
                bad(NET, "Gateway", "{}", "spec.servers", "at least one server"),
                ok(
                        NET,
                        "Gateway",
                        "{\"servers\":[{\"port\":{\"number\":80,\"name\":\"http\",\"protocol\":\"HTTP\"},"
                                + "\"hosts\":[\"*\"]}]}"),
                // kinds not modelled are allowed (with a warning)
                ok(NET, "VirtualService", "{\"nonsense\":true}"));
    }

    private static Arguments ok(String group, String kind, String spec) {
        return Arguments.of(group, kind, spec, null, null);
    }

    private static Arguments bad(String group, String kind, String spec, String field, String fragment) {
        return Arguments.of(group, kind, spec, field, fragment);
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("rows")
    void decides(String group, String kind, String spec, String field, String fragment) {
        Object object = JSON.unmarshal(
                "{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"" + kind
                        + "\",\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":" + spec + "}",
                Map.class);
        AdmissionDecider.Decision d = DECIDER.decide(group, kind, "CREATE", "ns", object);
        if (field == null) {
            assertThat(d.allowed()).as(d.message()).isTrue();
            return;
        }
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).startsWith("configuration is invalid: ");
        assertThat(d.violations()).as(d.message()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.message()).contains(fragment);
        });
    }

    @ParameterizedTest(name = "{0} is not validated")
    @MethodSource("deletes")
    void deleteIsAlwaysAllowed(String operation) {
        assertThat(DECIDER.decide(SEC, AP, operation, "ns", Map.of("spec", Map.of("action", "BOGUS")))
                        .allowed())
                .isTrue();
    }

    static Stream<String> deletes() {
        return Stream.of("DELETE", "CONNECT");
    }
}
