package io.ambient4j.conformance.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EchoProtocolTest {
    @ParameterizedTest
    @CsvSource({
        "http,HTTP",
        "http2,HTTP",
        "grpc,HTTP",
        "auto-http,HTTP",
        "auto-grpc,HTTP",
        "http-instance,HTTP",
        "http-localhost,HTTP",
        "tcp,TCP",
        "auto-tcp,TCP",
        "tcp-wl-only,TCP",
        "tcp-server,SERVER_FIRST",
        "auto-tcp-server,SERVER_FIRST",
        "https,HTTPS",
        "auto-https,HTTPS",
        "metrics,TCP",
        "'',TCP"
    })
    void catalogueEchoPortNamesPickTheProtocol(String name, EchoProtocol expected) {
        assertThat(EchoProtocol.forPortName(name)).isEqualTo(expected);
    }

    @Test
    void C066_onlyLocalhostPortsBindLoopback() {
        assertThat(EchoProtocol.loopbackOnly("http-localhost")).isTrue();
        assertThat(EchoProtocol.loopbackOnly("http")).isFalse();
        assertThat(EchoProtocol.loopbackOnly(null)).isFalse();
    }

    @Test
    void replyRendersAndParsesBack() {
        EchoReply r = new EchoReply(
                "srv-1",
                "ns",
                18080,
                "HTTP/1.1",
                "GET",
                "/x",
                "srv",
                "10.244.1.10",
                4000,
                List.of(Map.entry("X-Foo", "a"), Map.entry("x-foo", "b"), Map.entry("Host", "srv")));
        EchoReply.Parsed p = EchoReply.parse(r.render());
        assertThat(p.field("Hostname")).isEqualTo("srv-1");
        assertThat(p.field("IP")).isEqualTo("10.244.1.10");
        assertThat(p.field("RemoteAddr")).isEqualTo("10.244.1.10:4000");
        assertThat(p.headers().get("x-foo")).containsExactlyInAnyOrder("a", "b");
    }
}
