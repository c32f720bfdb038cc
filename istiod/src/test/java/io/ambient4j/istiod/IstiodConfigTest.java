package io.ambient4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IstiodConfigTest {
    @Test
    void S1_2_defaultsAreUpstreams() {
        IstiodConfig c = IstiodConfig.defaults();
        assertThat(c.xdsPort()).isEqualTo(15010);
        assertThat(c.secureXdsPort()).isEqualTo(15012);
        assertThat(c.monitoringPort()).isEqualTo(15014);
        assertThat(c.debugPort()).isEqualTo(8080);
        assertThat(c.trustedNodeAccounts()).containsExactly("istio-system/ztunnel");
        assertThat(c.tokenAudiences()).containsExactly("istio-ca");
        assertThat(c.maxWorkloadCertTtl()).isEqualTo(Duration.ofDays(90));
        assertThat(c.xdsAuth()).isTrue();
        assertThat(c.apiServer()).isEqualTo(IstiodConfig.ApiServer.CLUSTER);
    }

    @Test
    void S1_2_flagsAndEnvironment() {
        IstiodConfig c = IstiodConfig.parse(
                new String[] {"--embedded", "--grpc-port", "0", "--secure-grpc-port", "1234"},
                Map.of("CA_TRUSTED_NODE_ACCOUNTS", "istio-system/ztunnel, kube-system/ztunnel", "XDS_AUTH", "false"));
        assertThat(c.apiServer()).isEqualTo(IstiodConfig.ApiServer.EMBEDDED);
        assertThat(c.xdsPort()).isZero();
        assertThat(c.secureXdsPort()).isEqualTo(1234);
        assertThat(c.trustedNodeAccounts()).isEqualTo(Set.of("istio-system/ztunnel", "kube-system/ztunnel"));
        assertThat(c.xdsAuth()).isFalse();
    }

    @Test
    void S1_2_badSettingsNameThemselves() {
        assertThatThrownBy(() -> IstiodConfig.parse(new String[] {"--grpc-port", "x"}, Map.of()))
                .hasMessageContaining("--grpc-port must be a port number");
        assertThatThrownBy(() -> IstiodConfig.parse(new String[] {"--nope"}, Map.of()))
                .hasMessageContaining("unknown flag '--nope'");
        assertThatThrownBy(() -> IstiodConfig.parse(new String[0], Map.of("CA_TRUSTED_NODE_ACCOUNTS", "ztunnel")))
                .hasMessageContaining("CA_TRUSTED_NODE_ACCOUNTS entry 'ztunnel'");
        assertThatThrownBy(() -> IstiodConfig.parse(new String[0], Map.of("MAX_WORKLOAD_CERT_TTL", "3d")))
                .hasMessageContaining("MAX_WORKLOAD_CERT_TTL must be a duration");
    }
}
