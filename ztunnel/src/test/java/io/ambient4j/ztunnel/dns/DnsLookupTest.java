package io.ambient4j.ztunnel.dns;

import static io.ambient4j.ztunnel.dns.DnsFixtures.CLIENT_NS1;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.state.ProxyState;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The answer-or-forward decision (ambient-spec §10) as a table: name expansion, wildcards, choice, families. */
class DnsLookupTest {
    private static final ProxyState STATE = DnsFixtures.mesh();
    private static final DnsName DOMAIN = DnsName.of("cluster.local");
    private static final String FWD = "forward";

    private static DnsDecision decide(DnsClient client, String host, int type) {
        return DnsLookup.decide(
                STATE,
                client,
                new Question(DnsName.of(host), type, DnsMessage.CLASS_IN),
                DOMAIN,
                NameExpansion.kubernetesSearch(client.namespace(), DOMAIN),
                new SplittableRandom(7));
    }

    private static List<String> outcome(DnsDecision d) {
        return switch (d) {
            case DnsDecision.Forward f -> List.of(FWD);
            case DnsDecision.Answer a -> DnsFixtures.text(a.records());
        };
    }

    private static Arguments row(String why, String host, int type, String... expected) {
        return Arguments.of(why, host, type, List.of(expected));
    }

    static Stream<Arguments> table() {
        int a = DnsMessage.TYPE_A;
        int aaaa = DnsMessage.TYPE_AAAA;
        return Stream.of(
                row("other record types are forwarded", "productpage.ns1.", DnsMessage.TYPE_NS, FWD),
                row("unknown hosts are forwarded", "www.bing.com", a, FWD),
                row(
                        "k8s FQDN",
                        "productpage.ns1.svc.cluster.local.",
                        a,
                        "A productpage.ns1.svc.cluster.local. 9.9.9.9 ttl=30"),
                row("name.namespace", "productpage.ns1.", a, "A productpage.ns1. 9.9.9.9 ttl=30"),
                row("name.namespace.svc", "productpage.ns1.svc", a, "A productpage.ns1.svc. 9.9.9.9 ttl=30"),
                row("short name in the client's namespace", "productpage", a, "A productpage. 9.9.9.9 ttl=30"),
                row(
                        "case-insensitive, answered in the client's case",
                        "ProductPage.NS1",
                        a,
                        "A ProductPage.NS1. 9.9.9.9 ttl=30"),
                row(
                        "search domain appended by the client: CNAME to the stripped name",
                        "productpage.ns1.ns1.svc.cluster.local.",
                        a,
                        "CNAME productpage.ns1.ns1.svc.cluster.local. productpage.ns1. ttl=30",
                        "A productpage.ns1. 9.9.9.9 ttl=30"),
                row(
                        "AAAA of an IPv4-only VIP set is empty, not NXDOMAIN",
                        "productpage.ns1.ns1.svc.cluster.local.",
                        aaaa),
                row("other namespace by name.namespace", "example.ns2", a, "A example.ns2. 10.10.10.10 ttl=30"),
                row(
                        "other namespace by name.namespace.svc",
                        "example.ns2.svc.",
                        a,
                        "A example.ns2.svc. 10.10.10.10 ttl=30"),
                row("a short name does not reach another namespace", "example", a, FWD),
                row("ServiceEntry host", "www.google.com", a, "A www.google.com. 1.1.1.1 ttl=30"),
                row(
                        "ServiceEntry host behind a search domain",
                        "www.google.com.ns1.svc.cluster.local",
                        a,
                        "CNAME www.google.com.ns1.svc.cluster.local. www.google.com. ttl=30",
                        "A www.google.com. 1.1.1.1 ttl=30"),
                row("A returns only IPv4 VIPs", "dual.localhost", a, "A dual.localhost. 2.2.2.2 ttl=30"),
                row(
                        "AAAA returns only IPv6 VIPs",
                        "dual.localhost",
                        aaaa,
                        "AAAA dual.localhost. 2001:db8:0:0:0:ff00:42:8329 ttl=30"),
                row("A of an IPv6-only host is empty", "ipv6.localhost", a),
                row("AAAA of an IPv4-only host is empty", "ipv4.localhost", aaaa),
                row("IPV4_ONLY service family hides its IPv6 VIP", "v4only.ns1.svc.cluster.local", aaaa),
                row(
                        "IPV4_ONLY service family still answers A",
                        "v4only.ns1.svc.cluster.local",
                        a,
                        "A v4only.ns1.svc.cluster.local. 4.4.4.4 ttl=30"),
                row("wildcard host", "foo.wildcard", a, "A foo.wildcard. 10.10.10.10 ttl=30"),
                row("the most specific wildcard wins", "a.b.wildcard", a, "A a.b.wildcard. 11.11.11.11 ttl=30"),
                row(
                        "wildcard with a domain",
                        "foo.foons.svc.mesh.company.net",
                        a,
                        "A foo.foons.svc.mesh.company.net. 10.1.2.3 ttl=30"),
                row(
                        "wildcard behind a search domain: no CNAME",
                        "foo.svc.mesh.company.net.ns1.svc.cluster.local",
                        a,
                        "A foo.svc.mesh.company.net.ns1.svc.cluster.local. 10.1.2.3 ttl=30"),
                row(
                        "only VIPs on the client's network",
                        "both-networks.ns1.svc.cluster.local",
                        a,
                        "A both-networks.ns1.svc.cluster.local. 21.21.21.21 ttl=30"),
                row("no VIP on the client's network: empty", "nw2-only.ns1.svc.cluster.local", a),
                row(
                        "headless service: endpoint IPs",
                        "headless.ns1.svc.cluster.local",
                        a,
                        "A headless.ns1.svc.cluster.local. 30.30.30.30 ttl=30",
                        "A headless.ns1.svc.cluster.local. 31.31.31.31 ttl=30"),
                row(
                        "headless service: endpoint IPv6 for AAAA",
                        "headless",
                        aaaa,
                        "AAAA headless. 2001:db8:0:0:0:0:0:30 ttl=30",
                        "AAAA headless. 2001:db8:0:0:0:0:0:31 ttl=30"),
                row(
                        "StatefulSet pod FQDN",
                        "web-0.nginx.ns1.svc.cluster.local",
                        a,
                        "A web-0.nginx.ns1.svc.cluster.local. 40.40.40.40 ttl=30"),
                row("StatefulSet pod as pod.sub", "web-1.nginx", a, "A web-1.nginx. 40.40.40.41 ttl=30"),
                row("StatefulSet pod as pod.sub.ns", "web-1.nginx.ns1", a, "A web-1.nginx.ns1. 40.40.40.41 ttl=30"),
                row(
                        "StatefulSet pod as pod.sub.ns.svc",
                        "web-0.nginx.ns1.svc",
                        a,
                        "A web-0.nginx.ns1.svc. 40.40.40.40 ttl=30"),
                row("unknown pod of a headless service", "web-9.nginx.ns1.svc.cluster.local", a, FWD),
                row("VIP-less ServiceEntry (not k8s headless) is forwarded", "headless.example.com", a, FWD),
                row("the client's namespace wins", "everywhere.io", a, "A everywhere.io. 10.10.10.112 ttl=30"),
                row("then the canonical service", "canonical.svc", a, "A canonical.svc. 10.10.10.141 ttl=30"),
                row("services hidden from the client's namespace are skipped", "hidden.io", a, FWD));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void C125_decision(String why, String host, int type, List<String> expected) {
        assertThat(outcome(decide(CLIENT_NS1, host, type))).as(why).isEqualTo(expected);
    }

    @Test
    void aPodNotYetInXdsIsAnsweredByItsNamespace() {
        DnsClient unknown = DnsClient.of(Optional.empty(), "ns1", "");
        assertThat(outcome(decide(unknown, "productpage", DnsMessage.TYPE_A)))
                .containsExactly("A productpage. 9.9.9.9 ttl=30");
    }

    @Test
    void hiddenServiceIsAnsweredInItsOwnNamespace() {
        DnsClient ns2 = new DnsClient("ns2", "", Optional.empty(), Optional.empty());
        assertThat(outcome(decide(ns2, "hidden.io", DnsMessage.TYPE_A)))
                .containsExactly("A hidden.io. 10.10.10.150 ttl=30");
    }

    @Test
    void addressOrderIsRandom() {
        java.util.Set<List<String>> orders = new java.util.HashSet<>();
        for (int seed = 0; seed < 50; seed++) {
            DnsDecision d = DnsLookup.decide(
                    STATE,
                    CLIENT_NS1,
                    new Question(DnsName.of("headless.ns1.svc.cluster.local"), DnsMessage.TYPE_A, DnsMessage.CLASS_IN),
                    DOMAIN,
                    List.of(),
                    new SplittableRandom(seed));
            orders.add(((DnsDecision.Answer) d)
                    .records().stream().map(r -> r.data().toString()).toList());
        }
        assertThat(orders).hasSize(2);
    }
}
