package io.ambient4j.istiod.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void S1_2_upstreamNamesWithoutTotalSuffixInPrometheusText() {
        Metrics m = new Metrics();
        Metrics.Counter pushes = m.counter("pilot_xds_pushes", "Pushes.", "type");
        pushes.inc("wds");
        pushes.inc("wds");
        pushes.inc("wads");
        m.gauge("pilot_xds", "Connected.", "version").add(1, "1.30");
        m.counter("citadel_server_csr_count", "CSRs.").inc();
        assertThat(m.scrape()).isEqualTo("""
                        # HELP citadel_server_csr_count CSRs.
                        # TYPE citadel_server_csr_count counter
                        citadel_server_csr_count 1
                        # HELP pilot_xds Connected.
                        # TYPE pilot_xds gauge
                        pilot_xds{version="1.30"} 1
                        # HELP pilot_xds_pushes Pushes.
                        # TYPE pilot_xds_pushes counter
                        pilot_xds_pushes{type="wads"} 1
                        pilot_xds_pushes{type="wds"} 2
                        """);
        assertThat(m.value("pilot_xds_pushes", "wds")).isEqualTo(2);
    }

    @Test
    void S1_2_wrongLabelCountIsRefused() {
        Metrics m = new Metrics();
        Metrics.Counter c = m.counter("x", "X.", "type");
        assertThatThrownBy(c::inc).hasMessageContaining("takes labels [type]");
        assertThatThrownBy(() -> m.gauge("x", "X.")).hasMessageContaining("already registered");
    }
}
