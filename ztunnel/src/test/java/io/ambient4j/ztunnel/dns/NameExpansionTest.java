package io.ambient4j.ztunnel.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubernetes name forms relative to the client namespace ns1 ({@code pod} marks pod-host forms). */
class NameExpansionTest {
    private static final DnsName DOMAIN = DnsName.of("cluster.local");

    static Stream<Arguments> fqdns() {
        return Stream.of(
                Arguments.of("name", List.of("name.ns1.svc.cluster.local.")),
                Arguments.of("name.", List.of("name.ns1.svc.cluster.local.")),
                Arguments.of("name.ns2", List.of("name.ns2.svc.cluster.local.", "name.ns2.ns1.svc.cluster.local. pod")),
                Arguments.of(
                        "name.ns2.svc.", List.of("name.ns2.svc.cluster.local.", "name.ns2.svc.svc.cluster.local. pod")),
                Arguments.of("name.ns2.not-svc.", List.of("name.ns2.not-svc.svc.cluster.local. pod")),
                Arguments.of("pod.sub-domain.ns.svc", List.of("pod.sub-domain.ns.svc.cluster.local. pod")),
                Arguments.of("pod.sub-domain.ns.not-svc", List.of()),
                Arguments.of("name.ns2.svc.cluster.", List.of()),
                Arguments.of("name.ns2.svc.cluster.local", List.of()),
                Arguments.of("www.google.com.", List.of("www.google.com.svc.cluster.local. pod")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fqdns")
    void kubernetesForms(String host, List<String> expected) {
        assertThat(NameExpansion.kubeFqdns(DnsName.of(host), "ns1", DOMAIN).stream()
                        .map(e -> e.name() + (e.podHost() ? " pod" : ""))
                        .toList())
                .isEqualTo(expected);
    }

    @Test
    void searchDomainsAreStrippedAndTheRestExpanded() {
        List<String> aliases = NameExpansion.aliases(
                        DnsName.of("productpage.ns1.ns1.svc.cluster.local"),
                        "ns1",
                        DOMAIN,
                        NameExpansion.kubernetesSearch("ns1", DOMAIN))
                .stream()
                .map(a -> a.name() + a.stripped().map(s -> " <- " + s).orElse(""))
                .toList();
        assertThat(aliases)
                .containsExactly(
                        "productpage.ns1.ns1.svc.cluster.local.",
                        "productpage.ns1. <- productpage.ns1.",
                        "productpage.ns1.svc.cluster.local. <- productpage.ns1.",
                        "productpage.ns1.ns1. <- productpage.ns1.ns1.",
                        "productpage.ns1.ns1.svc. <- productpage.ns1.ns1.svc.");
    }

    @Test
    void wildcardsOfDecreasingSpecificity() {
        assertThat(DnsName.of("svc1.").withWildcards())
                .extracting(DnsName::toString)
                .containsExactly("svc1.");
        assertThat(DnsName.of("svc1.ns1.svc.cluster.local.").withWildcards())
                .extracting(DnsName::toString)
                .containsExactly(
                        "svc1.ns1.svc.cluster.local.",
                        "*.ns1.svc.cluster.local.",
                        "*.svc.cluster.local.",
                        "*.cluster.local.",
                        "*.local.");
    }

    @Test
    void trimNeedsSomethingLeft() {
        DnsName svcDomain = DnsName.of("svc.cluster.local");
        assertThat(DnsName.of("name.ns.svc.cluster.local").trim(svcDomain)).contains(DnsName.of("name.ns"));
        assertThat(DnsName.of("name.ns.a.different.domain").trim(svcDomain)).isEmpty();
        assertThat(DnsName.of("svc.cluster.local").trim(svcDomain)).isEmpty();
    }
}
