package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyCostTest {
    @Test
    void defaultSidecarFigureNamesItsSource() {
        ProxyCost.SidecarFigure f = ProxyCost.SidecarFigure.of(null);
        assertThat(f.megabytes()).isEqualTo(60.0);
        assertThat(f.source()).contains("istio.io").contains("60 MB").contains("performance-and-scalability");
        assertThat(ProxyCost.SidecarFigure.of("  ")).isEqualTo(f);
    }

    @Test
    void userFigureIsUsedAndAttributed() {
        ProxyCost.SidecarFigure f = ProxyCost.SidecarFigure.of(" 45.5 ");
        assertThat(f.megabytes()).isEqualTo(45.5);
        assertThat(f.source()).isEqualTo("SIDECAR_RSS_MB=45.5 (your figure)");
    }

    @ParameterizedTest
    @CsvSource({"abc", "-5", "0", "NaN", "Infinity"})
    void badFiguresAreRefusedBeforeAnythingStarts(String env) {
        assertThatThrownBy(() -> ProxyCost.SidecarFigure.of(env)).isInstanceOfSatisfying(DemoException.class, e -> {
            assertThat(e.reason()).isEqualTo(DemoException.Reason.PREFLIGHT);
            assertThat(e.reason().exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).contains("SIDECAR_RSS_MB");
        });
    }

    @Test
    void kibibytesBecomeMegabytes() {
        // VmRSS is in KiB; upstream's figure in 10^6-byte MB
        assertThat(new ProxyCost.Node("n", 1_000_000, 0).ambientMb()).isEqualTo(1024.0);
        assertThat(new ProxyCost.Node("n", 209_680, 2).ambientMb())
                .isCloseTo(214.712, org.assertj.core.data.Offset.offset(0.001));
        // the waypoint's figure, printed beside the ztunnels', in the same unit (it was in MiB: 115.6 for 121.2)
        assertThat(ProxyCost.megabytes(118_356)).isCloseTo(121.197, org.assertj.core.data.Offset.offset(0.001));
    }

    @ParameterizedTest
    @CsvSource({
        // rss kB, sidecar MB, break-even pods: the smallest n with n * sidecar > ztunnel
        "209680, 60, 4", // 214.7 MB -> 3 sidecars 180 < 214.7 < 240
        "58593, 60, 1", // 59.999 MB -> one sidecar already costs more
        "58594, 60, 2", // 60.000256 MB
        "11718, 12, 1"
    })
    void breakEven(long rssKb, double sidecarMb, long pods) {
        ProxyCost.Comparison c = new ProxyCost.Comparison(
                List.of(new ProxyCost.Node("node-1", rssKb, 1)), new ProxyCost.SidecarFigure(sidecarMb, "t"));
        assertThat(c.breakEvenPods(c.nodes().getFirst())).isEqualTo(pods);
    }

    @Test
    void tableSumsPerNodeAndTotal() {
        ProxyCost.Comparison c = new ProxyCost.Comparison(
                List.of(new ProxyCost.Node("node-1", 209_680, 2), new ProxyCost.Node("node-2", 222_908, 1)),
                ProxyCost.SidecarFigure.of(null));
        assertThat(c.totalPods()).isEqualTo(3);
        assertThat(c.sidecarTotalMb()).isEqualTo(180.0);
        assertThat(c.ambientTotalMb()).isCloseTo(442.97, org.assertj.core.data.Offset.offset(0.01));
        assertThat(c.render())
                .contains("node-1       2  214.7 MB               120.0 MB\n")
                .contains("node-2       1  228.3 MB               60.0 MB\n")
                .contains("total        3  443.0 MB               180.0 MB\n")
                .contains("sidecars: pods × 60.0 MB")
                .contains("node-1's ztunnel costs less than sidecars from 4 pods on the node");
    }
}
