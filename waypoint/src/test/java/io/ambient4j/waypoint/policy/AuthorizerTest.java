package io.ambient4j.waypoint.policy;

import static io.ambient4j.waypoint.testing.L7Protos.fromTo;
import static io.ambient4j.waypoint.testing.L7Protos.policy;
import static io.ambient4j.waypoint.testing.L7Protos.to;
import static io.ambient4j.waypoint.testing.L7Protos.toWhen;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.waypoint.xds.L7ProtoConversion;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The L7 decision table of the catalogue's C100 (upstream TestAuthorizationL7), through the real converter. */
class AuthorizerTest {
    static final NamespacedHostname SVC = new NamespacedHostname("app", "captured.app.svc.cluster.local");
    static final SpiffeId SRC = SpiffeId.parse("spiffe://cluster.local/ns/app/sa/src");

    /** C100's policies: the ALLOW on the waypoint Gateway and the DENY on /explicit-deny. */
    static final List<L7Policy> C100 = List.of(
            L7ProtoConversion.policy(
                    "app/allow",
                    policy("app", "allow", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                            .addRules(to("GET", "/allowed"))
                            .addRules(fromTo("cluster.local/ns/app/sa/src", "GET", "/allowed-identity"))
                            .addRules(fromTo("cluster.local/ns/app/sa/someone-else", "GET", "/denied-identity"))
                            .addRules(to("GET", "/allowed-wildcard*"))
                            .addRules(toWhen(
                                    "GET", "/headers", "request.headers[x-test-header]", "match", "do-not-match"))
                            .addRules(to("POST", null))
                            .build()),
            L7ProtoConversion.policy(
                    "app/deny",
                    policy("app", "deny", io.ambient4j.api.waypoint.L7Policy.Action.DENY)
                            .addRules(to(null, "/explicit-deny"))
                            .build()));

    static RequestAttributes req(String method, String path, Map<String, List<String>> headers) {
        return new RequestAttributes(
                Optional.of(SRC),
                InetAddress.ofLiteral("10.0.0.1"),
                SVC,
                InetAddress.ofLiteral("10.96.0.10"),
                80,
                method,
                "captured.app.svc.cluster.local",
                path,
                headers);
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @CsvSource({
        "GET, /deny, , 403",
        "GET, /allowed, , 200",
        "GET, /allowed-identity, , 200",
        "GET, /denied-identity, , 403",
        "POST, /explicit-deny, , 403",
        "POST, /anything, , 200",
        "GET, /allowed-wildcardtest, , 200",
        "GET, /headers, match, 200",
        "GET, /headers, do-not-match, 403",
        "GET, /headers, , 403",
    })
    void C100_l7AllowDenyTable(String method, String path, String header, int expected) {
        Map<String, List<String>> headers = header == null ? Map.of() : Map.of("x-test-header", List.of(header));
        Decision d = Authorizer.decide(C100, req(method, path, headers));
        assertThat(d.allowed() ? 200 : 403).as(d.reason()).isEqualTo(expected);
    }

    @Test
    void C100_denyWinsOverAMatchingAllow() {
        Decision d = Authorizer.decide(C100, req("POST", "/explicit-deny", Map.of()));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("denied by app/deny");
    }

    @Test
    void noPolicyAllows_andAllowWithNoRulesDeniesAll() {
        assertThat(Authorizer.decide(List.of(), req("GET", "/x", Map.of())).allowed())
                .isTrue();
        L7Policy allowNothing = L7ProtoConversion.policy(
                "app/nothing",
                policy("app", "nothing", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                        .build());
        assertThat(Authorizer.decide(List.of(allowNothing), req("GET", "/x", Map.of()))
                        .allowed())
                .isFalse();
    }

    @Test
    void policyForAnotherServiceDoesNotApply() {
        L7Policy other = L7ProtoConversion.policy(
                "app/other",
                policy("app", "other", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                        .addServices(io.ambient4j.waypoint.testing.L7Protos.svc("app", "other"))
                        .build());
        assertThat(Authorizer.decide(List.of(other), req("GET", "/x", Map.of())).allowed())
                .isTrue();
    }

    @Test
    void dryRunAndAuditOnlyReport() {
        L7Policy dryDeny = L7ProtoConversion.policy(
                "app/dry",
                policy("app", "dry", io.ambient4j.api.waypoint.L7Policy.Action.DENY)
                        .setDryRun(true)
                        .addRules(to(null, "/x"))
                        .build());
        L7Policy audit = L7ProtoConversion.policy(
                "app/audit",
                policy("app", "audit", io.ambient4j.api.waypoint.L7Policy.Action.AUDIT)
                        .addRules(to("GET", null))
                        .build());
        Decision d = Authorizer.decide(List.of(dryDeny, audit), req("GET", "/x", Map.of()));
        assertThat(d.allowed()).isTrue();
        assertThat(d.audited()).containsExactly("dry-run DENY app/dry", "AUDIT app/audit");
    }

    @Test
    void remoteIpBlocksUseThePeerNotAClientSuppliedForwardedFor() {
        L7Policy p = L7ProtoConversion.policy(
                "app/remote",
                policy("app", "remote", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                        .addRules(io.ambient4j.api.waypoint.L7Rule.newBuilder()
                                .addFrom(io.ambient4j.api.waypoint.L7Source.newBuilder()
                                        .addRemoteIpBlocks("192.168.0.0/16")))
                        .build());
        Map<String, List<String>> spoofed = Map.of("x-forwarded-for", List.of("192.168.1.1"));
        assertThat(Authorizer.decide(List.of(p), req("GET", "/", spoofed)).allowed())
                .isFalse();
        L7Policy peer = L7ProtoConversion.policy(
                "app/peer",
                policy("app", "peer", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                        .addRules(io.ambient4j.api.waypoint.L7Rule.newBuilder()
                                .addFrom(io.ambient4j.api.waypoint.L7Source.newBuilder()
                                        .addRemoteIpBlocks("10.0.0.1")))
                        .build());
        assertThat(Authorizer.decide(List.of(peer), req("GET", "/", spoofed)).allowed())
                .isTrue();
    }

    @Test
    void namespacesIpBlocksAndNotValues() {
        L7Policy p = L7ProtoConversion.policy(
                "app/ns",
                policy("app", "ns", io.ambient4j.api.waypoint.L7Policy.Action.ALLOW)
                        .addRules(io.ambient4j.api.waypoint.L7Rule.newBuilder()
                                .addFrom(io.ambient4j.api.waypoint.L7Source.newBuilder()
                                        .addNamespaces("app")
                                        .addIpBlocks("10.0.0.0/8")
                                        .addNotPrincipals("*/sa/blocked")))
                        .build());
        assertThat(Authorizer.decide(List.of(p), req("GET", "/", Map.of())).allowed())
                .isTrue();
        RequestAttributes fromElsewhere = new RequestAttributes(
                Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/other/sa/src")),
                InetAddress.ofLiteral("10.0.0.1"),
                SVC,
                InetAddress.ofLiteral("10.96.0.10"),
                80,
                "GET",
                "h",
                "/",
                Map.of());
        assertThat(Authorizer.decide(List.of(p), fromElsewhere).allowed()).isFalse();
    }
}
