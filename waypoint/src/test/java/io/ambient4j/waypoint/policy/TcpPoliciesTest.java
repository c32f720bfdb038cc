package io.ambient4j.waypoint.policy;

import static io.ambient4j.waypoint.testing.L7Protos.fromTo;
import static io.ambient4j.waypoint.testing.L7Protos.policy;
import static io.ambient4j.waypoint.testing.L7Protos.to;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.waypoint.L7Condition;
import io.ambient4j.api.waypoint.L7Operation;
import io.ambient4j.api.waypoint.L7Policy.Action;
import io.ambient4j.api.waypoint.L7Rule;
import io.ambient4j.api.waypoint.L7Source;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.waypoint.xds.L7ProtoConversion;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP-only fields on relayed (non-HTTP) traffic: ALLOW rules using them match nothing, DENY rules lose them. */
class TcpPoliciesTest {
    static io.ambient4j.api.waypoint.L7Policy.Builder p(String name, Action a) {
        return policy("app", name, a);
    }

    static final Map<String, List<L7Policy>> CASES = Map.of(
            "allow-by-principal",
            List.of(conv(p("a", Action.ALLOW)
                    .addRules(L7Rule.newBuilder()
                            .addFrom(L7Source.newBuilder().addPrincipals("cluster.local/ns/app/sa/src"))))),
            "allow-by-method",
            List.of(conv(p("a", Action.ALLOW).addRules(to("GET", null)))),
            "allow-by-principal-and-path",
            List.of(conv(p("a", Action.ALLOW).addRules(fromTo("cluster.local/ns/app/sa/src", null, "/x")))),
            "deny-principal-and-path",
            List.of(conv(p("d", Action.DENY).addRules(fromTo("cluster.local/ns/app/sa/src", null, "/x")))),
            "deny-path-only",
            List.of(conv(p("d", Action.DENY).addRules(to(null, "/explicit-deny")))),
            "deny-header-condition",
            List.of(conv(p("d", Action.DENY)
                    .addRules(L7Rule.newBuilder()
                            .addWhen(L7Condition.newBuilder()
                                    .setKey("request.headers[x]")
                                    .addValues("y"))))),
            "deny-port",
            List.of(conv(p("d", Action.DENY)
                    .addRules(L7Rule.newBuilder()
                            .addTo(L7Operation.newBuilder().addPorts("9000").addMethods("GET"))))));

    static L7Policy conv(io.ambient4j.api.waypoint.L7Policy.Builder b) {
        return L7ProtoConversion.policy(b.getNamespace() + "/" + b.getName(), b.build());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "allow-by-principal, true",
        "allow-by-method, false",
        "allow-by-principal-and-path, false",
        "deny-principal-and-path, false",
        "deny-path-only, true",
        "deny-header-condition, true",
        "deny-port, false",
    })
    void C100_httpOnlyFieldsOnTcpTraffic(String policies, boolean allowed) {
        RequestAttributes tcp = new RequestAttributes(
                Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/app/sa/src")),
                InetAddress.ofLiteral("10.0.0.1"),
                AuthorizerTest.SVC,
                InetAddress.ofLiteral("10.96.0.10"),
                9000,
                "",
                "",
                "",
                Map.of());
        assertThat(Authorizer.decide(TcpPolicies.forTcp(CASES.get(policies)), tcp)
                        .allowed())
                .isEqualTo(allowed);
    }
}
