package io.ambient4j.ztunnel.rbac;

import static io.ambient4j.ztunnel.rbac.RbacFixtures.exact;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.net;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.plaintext;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.policy;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.presence;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.sa;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.single;
import static io.ambient4j.ztunnel.rbac.RbacFixtures.tls;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** C085: how one policy's rules, clauses and matches combine, field by field. */
class AuthorizationMatchTest {

    @Test
    void C085_policyWithEmptyRulesMatchesNothing() {
        Authorization p = policy("empty", PolicyAction.ALLOW, List.of());
        assertThat(p.matches(tls())).isFalse();
        assertThat(p.matches(plaintext())).isFalse();
    }

    @Test
    void C085_ruleWithNoClausesMatchesEverything() {
        Authorization p = policy("any", PolicyAction.ALLOW, List.of(List.of()));
        assertThat(p.matches(tls())).isTrue();
        assertThat(p.matches(plaintext())).isTrue();
    }

    @Test
    void C085_clauseWithNoMatchesMatchesEverything() {
        Authorization p = policy("any", PolicyAction.ALLOW, List.of(List.of(List.of())));
        assertThat(p.matches(tls())).isTrue();
        assertThat(p.matches(plaintext())).isTrue();
    }

    @Test
    void C085_matchWithNoFieldsMatchesNothing() {
        Authorization p = single("empty-match", PolicyAction.ALLOW, RbacMatch.empty());
        assertThat(p.matches(tls())).isFalse();
        assertThat(p.matches(plaintext())).isFalse();
    }

    @Test
    void C085_emptyMatchIsSkippedNotFatalForItsClause() {
        RbacMatch port = RbacMatch.builder().destinationPorts(List.of(8080)).build();
        Authorization p = policy("skip", PolicyAction.ALLOW, List.of(List.of(List.of(RbacMatch.empty(), port))));
        assertThat(p.matches(tls())).isTrue();
    }

    @Test
    void C085_clausesAreAndedRulesAreOred() {
        RbacMatch port8080 = RbacMatch.builder().destinationPorts(List.of(8080)).build();
        RbacMatch port9090 = RbacMatch.builder().destinationPorts(List.of(9090)).build();
        RbacMatch nsOk =
                RbacMatch.builder().namespaces(List.of(exact("namespace"))).build();
        assertThat(policy("and", PolicyAction.ALLOW, List.of(List.of(List.of(port8080), List.of(nsOk))))
                        .matches(tls()))
                .isTrue();
        assertThat(policy("and", PolicyAction.ALLOW, List.of(List.of(List.of(port9090), List.of(nsOk))))
                        .matches(tls()))
                .isFalse();
        assertThat(policy("or", PolicyAction.ALLOW, List.of(List.of(List.of(port9090)), List.of(List.of(nsOk))))
                        .matches(tls()))
                .isTrue();
        assertThat(policy("or-in-clause", PolicyAction.ALLOW, List.of(List.of(List.of(port9090, nsOk))))
                        .matches(tls()))
                .isTrue();
    }

    @Test
    void C085_kindsInsideOneMatchAreAnded() {
        RbacMatch both = RbacMatch.builder()
                .destinationPorts(List.of(8080))
                .namespaces(List.of(exact("other")))
                .build();
        assertThat(single("both", PolicyAction.ALLOW, both).matches(tls())).isFalse();
    }

    static Stream<Arguments> fields() {
        return Stream.of(
                // field, match, expected for the TLS connection, expected for plaintext
                row("namespaces", RbacMatch.builder().namespaces(List.of(exact("namespace"))), true, false),
                row("namespaces other", RbacMatch.builder().namespaces(List.of(exact("other"))), false, false),
                row(
                        "namespaces any-of",
                        RbacMatch.builder().namespaces(List.of(exact("other"), exact("namespace"))),
                        true,
                        false),
                row("not_namespaces", RbacMatch.builder().notNamespaces(List.of(exact("namespace"))), false, true),
                row("not_namespaces other", RbacMatch.builder().notNamespaces(List.of(exact("other"))), true, true),
                row(
                        "service_accounts",
                        RbacMatch.builder().serviceAccounts(List.of(new ServiceAccountMatch("namespace", "account"))),
                        true,
                        false),
                row(
                        "service_accounts wrong ns",
                        RbacMatch.builder().serviceAccounts(List.of(new ServiceAccountMatch("other", "account"))),
                        false,
                        false),
                row(
                        "not_service_accounts",
                        RbacMatch.builder()
                                .notServiceAccounts(List.of(new ServiceAccountMatch("namespace", "account"))),
                        false,
                        true),
                row(
                        "principals exact",
                        RbacMatch.builder().principals(List.of(exact("td/ns/namespace/sa/account"))),
                        true,
                        false),
                row(
                        "principals with scheme never match",
                        RbacMatch.builder().principals(List.of(exact("spiffe://td/ns/namespace/sa/account"))),
                        false,
                        false),
                row(
                        "principals prefix",
                        RbacMatch.builder().principals(List.of(new StringMatch.Prefix("td/ns/namespace/"))),
                        true,
                        false),
                row(
                        "principals suffix",
                        RbacMatch.builder().principals(List.of(new StringMatch.Suffix("/sa/account"))),
                        true,
                        false),
                row("principals presence", RbacMatch.builder().principals(List.of(presence())), true, false),
                row("not_principals presence", RbacMatch.builder().notPrincipals(List.of(presence())), false, true),
                row(
                        "not_principals exact",
                        RbacMatch.builder().notPrincipals(List.of(exact("td/ns/namespace/sa/account"))),
                        false,
                        true),
                row("source_ips /32", RbacMatch.builder().sourceIps(List.of(net("127.0.0.1", 32))), true, true),
                row("source_ips other", RbacMatch.builder().sourceIps(List.of(net("127.0.0.3", 32))), false, false),
                row("source_ips /24", RbacMatch.builder().sourceIps(List.of(net("127.0.0.0", 24))), true, true),
                row("not_source_ips", RbacMatch.builder().notSourceIps(List.of(net("127.0.0.1", 32))), false, false),
                row(
                        "destination_ips /24",
                        RbacMatch.builder().destinationIps(List.of(net("127.0.0.0", 24))),
                        true,
                        true),
                row(
                        "destination_ips other /24",
                        RbacMatch.builder().destinationIps(List.of(net("127.0.1.0", 24))),
                        false,
                        false),
                row(
                        "destination_ips v6 never holds a v4",
                        RbacMatch.builder().destinationIps(List.of(net("::", 0))),
                        false,
                        false),
                row(
                        "not_destination_ips",
                        RbacMatch.builder().notDestinationIps(List.of(net("127.0.0.2", 32))),
                        false,
                        false),
                row(
                        "not_destination_ips other",
                        RbacMatch.builder().notDestinationIps(List.of(net("10.0.0.0", 8))),
                        true,
                        true),
                row("destination_ports", RbacMatch.builder().destinationPorts(List.of(8080)), true, true),
                row("destination_ports other", RbacMatch.builder().destinationPorts(List.of(9090)), false, false),
                row("not_destination_ports", RbacMatch.builder().notDestinationPorts(List.of(8080)), false, false),
                row("not_destination_ports other", RbacMatch.builder().notDestinationPorts(List.of(9090)), true, true));
    }

    private static Arguments row(String field, RbacMatch.Builder m, boolean tls, boolean plain) {
        return Arguments.of(field, m.build(), tls, plain);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void C085_fieldAndNegation(String field, RbacMatch m, boolean tlsExpected, boolean plainExpected) {
        Authorization p = single(field, PolicyAction.ALLOW, m);
        assertThat(p.matches(tls())).as("tls").isEqualTo(tlsExpected);
        assertThat(p.matches(plaintext())).as("plaintext").isEqualTo(plainExpected);
    }

    @Test
    void C085_ipv6CidrMatching() {
        Connection v6 = new Connection(sa("fd00::1", 1234), sa("fd00:1::8", 80), Optional.empty());
        assertThat(single(
                                "v6src",
                                PolicyAction.ALLOW,
                                RbacMatch.builder()
                                        .sourceIps(List.of(net("fd00::", 64)))
                                        .build())
                        .matches(v6))
                .isTrue();
        assertThat(single(
                                "v6dst",
                                PolicyAction.ALLOW,
                                RbacMatch.builder()
                                        .destinationIps(List.of(net("fd00:1::", 120)))
                                        .build())
                        .matches(v6))
                .isTrue();
        assertThat(single(
                                "v6dst-miss",
                                PolicyAction.ALLOW,
                                RbacMatch.builder()
                                        .destinationIps(List.of(net("fd00:2::", 32)))
                                        .build())
                        .matches(v6))
                .isFalse();
        assertThat(single(
                                "v4-vs-v6",
                                PolicyAction.ALLOW,
                                RbacMatch.builder()
                                        .sourceIps(List.of(net("0.0.0.0", 0)))
                                        .build())
                        .matches(v6))
                .isFalse();
    }

    @Test
    void ipNetMasksHostBitsAndRejectsBadInput() {
        assertThat(net("10.1.2.3", 24).toString()).isEqualTo("10.1.2.0/24");
        assertThat(net("10.1.2.3", 0).contains(sa("192.168.0.1", 1).getAddress()))
                .isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpNet.of(new byte[] {1, 2, 3}, 8))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpNet.of(new byte[] {1, 2, 3, 4}, 33))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
