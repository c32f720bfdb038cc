package io.ambient4j.ztunnel.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorityTest {
    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 80, 10.0.0.1:80",
        "fd00::1, 18080, [fd00::1]:18080",
        "::1, 15008, [::1]:15008",
        "::, 1, [::]:1",
        "2001:db8:0:0:1:0:0:1, 443, [2001:db8::1:0:0:1]:443",
        "2001:db8:0:1:1:1:1:1, 443, [2001:db8:0:1:1:1:1:1]:443",
        "fe80:0:0:0:0:0:0:0, 9, [fe80::]:9"
    })
    void formatsLikeRfc5952(String ip, int port, String expected) {
        assertThat(Authority.of(InetAddress.ofLiteral(ip), port)).isEqualTo(expected);
    }
}
