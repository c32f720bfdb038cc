package io.ambient4j.ztunnel.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The name istiod's certificate must carry (ALT_XDS_HOSTNAME / ALT_CA_HOSTNAME or the address's host). */
class ServerNamesTest {
    private static final List<ServerNames.San> SANS = List.of(
            new ServerNames.San(ServerNames.San.DNS, "istiod.istio-system.svc"),
            new ServerNames.San(ServerNames.San.DNS, "*.mesh.example.com"),
            new ServerNames.San(ServerNames.San.DNS, "*.com"),
            new ServerNames.San(ServerNames.San.IP, "10.96.0.10"),
            new ServerNames.San(ServerNames.San.IP, "fd00:0:0:0:0:0:0:a"),
            new ServerNames.San(6, "spiffe://cluster.local/ns/istio-system/sa/istiod"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "istiod.istio-system.svc, true",
        "ISTIOD.istio-system.SVC, true",
        "istiod.istio-system.svc., true",
        "istiod.istio-system.svc.cluster.local, false",
        "istio-system.svc, false",
        "a.mesh.example.com, true",
        "a.b.mesh.example.com, false",
        "mesh.example.com, false",
        "example.com, false",
        "10.96.0.10, true",
        "10.96.0.11, false",
        "fd00::a, true",
        "[fd00::a], true",
        "fd00::b, false",
        "spiffe://cluster.local/ns/istio-system/sa/istiod, false",
        "'', false",
    })
    void expectedNameAgainstTheCertificatesSans(String expected, boolean matches) {
        assertThat(ServerNames.matches(SANS, expected)).isEqualTo(matches);
    }

    @Test
    void anIpSanNeverMatchesADnsNameAndTheReverse() {
        assertThat(ServerNames.matches(List.of(new ServerNames.San(ServerNames.San.DNS, "10.96.0.10")), "10.96.0.10"))
                .isFalse();
        assertThat(ServerNames.matches(
                        List.of(new ServerNames.San(ServerNames.San.IP, "10.96.0.10")), "istiod.istio-system.svc"))
                .isFalse();
        assertThat(ServerNames.matches(List.of(), "istiod.istio-system.svc")).isFalse();
    }
}
