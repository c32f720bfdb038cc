package io.ambient4j.conformance.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KubeProxyRulesTest {
    private static ServiceView svc(String name, String vip, List<ServiceView.Endpoint> eps) {
        return new ServiceView("ns", name, vip, List.of(new ServiceView.PortView("http", "TCP", 80, eps)));
    }

    @Test
    void threeEndpointsAreChosenUniformlyWithDescendingProbabilities() {
        String text = KubeProxyRules.render(List.of(svc(
                "a",
                "10.96.0.10",
                List.of(
                        new ServiceView.Endpoint("10.244.2.10", 8080),
                        new ServiceView.Endpoint("10.244.1.10", 8080),
                        new ServiceView.Endpoint("10.244.1.11", 8080)))));
        List<String> rules =
                text.lines().filter(l -> l.startsWith("-A A4J-SERVICES")).toList();
        assertThat(rules).hasSize(3);
        assertThat(rules.get(0)).contains("--probability 0.33333333333").endsWith("--to-destination 10.244.1.10:8080");
        assertThat(rules.get(1)).contains("--probability 0.50000000000").endsWith("--to-destination 10.244.1.11:8080");
        assertThat(rules.get(2)).doesNotContain("statistic").endsWith("--to-destination 10.244.2.10:8080");
        assertThat(rules.get(0)).contains("-d 10.96.0.10/32 -p tcp -m tcp --dport 80");
    }

    @Test
    void aServiceWithoutEndpointsIsRejectedNotDnatted() {
        String text = KubeProxyRules.render(List.of(svc("empty", "10.96.0.11", List.of())));
        assertThat(text).doesNotContain("DNAT");
        assertThat(text)
                .contains("-A A4J-NO-ENDPOINTS -d 10.96.0.11/32 -p tcp -m tcp --dport 80")
                .contains("-j REJECT --reject-with icmp-port-unreachable");
    }

    @Test
    void headlessServicesGetNoRulesAndChainsAreAlwaysDeclared() {
        String text =
                KubeProxyRules.render(List.of(svc("h", "None", List.of(new ServiceView.Endpoint("10.244.1.10", 1)))));
        assertThat(text).isEqualTo("*nat\n:A4J-SERVICES - [0:0]\nCOMMIT\n*filter\n:A4J-NO-ENDPOINTS - [0:0]\nCOMMIT\n");
    }

    @Test
    void jumpsHookBothChains() {
        assertThat(KubeProxyRules.jumps())
                .contains(
                        "-A PREROUTING -j A4J-SERVICES", "-A OUTPUT -j A4J-SERVICES", "-A FORWARD -j A4J-NO-ENDPOINTS");
    }
}
