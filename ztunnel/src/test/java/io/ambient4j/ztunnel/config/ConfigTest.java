package io.ambient4j.ztunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.ztunnel.config.ConfigException.Reason;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigTest {

    @Test
    void defaultsMatchUpstream() {
        Config c = Config.fromEnv(Map.of());
        assertThat(c.xdsAddress().toString()).isEqualTo("https://istiod.istio-system.svc:15012");
        assertThat(c.caAddress().toString()).isEqualTo("https://istiod.istio-system.svc:15012");
        assertThat(c.xdsRootCa()).isEqualTo("./var/run/secrets/istio/root-cert.pem");
        assertThat(c.authToken()).isEqualTo(Path.of("./var/run/secrets/tokens/istio-token"));
        assertThat(c.clusterId()).isEqualTo("Kubernetes");
        assertThat(c.clusterDomain()).isEqualTo("cluster.local");
        assertThat(c.trustDomain()).isEqualTo("cluster.local");
        assertThat(c.network()).isEmpty();
        assertThat(c.proxyMode()).isEqualTo(ProxyMode.SHARED);
        assertThat(c.inpodUds()).isEqualTo(Path.of("/var/run/ztunnel/ztunnel.sock"));
        assertThat(c.packetMark()).contains(1337);
        assertThat(c.secretTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.xdsOnDemand()).isFalse();
        assertThat(c.dnsProxy()).isTrue();
        assertThat(c.poolMaxStreamsPerConnection()).isEqualTo(100);
        assertThat(c.poolUnusedReleaseTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.http2StreamWindowSize()).isEqualTo(4 << 20);
        assertThat(c.http2ConnectionWindowSize()).isEqualTo(16 << 20);
        assertThat(c.http2FrameSize()).isEqualTo(1 << 20);
        assertThat(c.keepaliveTime()).isEqualTo(Duration.ofSeconds(180));
        assertThat(c.keepaliveInterval()).isEqualTo(Duration.ofSeconds(180));
        assertThat(c.keepaliveRetries()).isEqualTo(9);
        assertThat(c.keepaliveEnabled()).isTrue();
        assertThat(c.connectionTerminationDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.enableOrigSrc()).isEmpty();
        assertThat(c.localhostAppTunnel()).isTrue();
        assertThat(c.tls12Enabled()).isFalse();
        assertThat(c.enableResponseBaggage()).isTrue();
        assertThat(c.logFormat()).isEqualTo(LogFormat.PLAIN);
        assertThat(c.instanceIp()).isEmpty();
    }

    static Stream<Arguments> goodValues() {
        return Stream.of(
                row(
                        Map.of("XDS_ADDRESS", "istiod-canary.istio-system.svc:15012"),
                        c -> c.xdsAddress().toString(),
                        "https://istiod-canary.istio-system.svc:15012"),
                row(
                        Map.of("CA_ADDRESS", "https://ca.example:443"),
                        c -> c.caAddress().toString(),
                        "https://ca.example:443"),
                row(Map.of("CLUSTER_ID", "c1"), Config::clusterId, "c1"),
                row(Map.of("CLUSTER_ID", "c1", "ISTIO_META_CLUSTER_ID", "c2"), Config::clusterId, "c2"),
                row(Map.of("SECRET_TTL", "5m"), Config::secretTtl, Duration.ofMinutes(5)),
                row(Map.of("SECRET_TTL", "1h30m"), Config::secretTtl, Duration.ofMinutes(90)),
                row(Map.of("SECRET_TTL", "90"), Config::secretTtl, Duration.ofSeconds(90)),
                row(
                        Map.of("POOL_UNUSED_RELEASE_TIMEOUT", "250ms"),
                        Config::poolUnusedReleaseTimeout,
                        Duration.ofMillis(250)),
                row(Map.of("PACKET_MARK", "4660"), Config::packetMark, Optional.of(4660)),
                row(
                        Map.of("PROXY_MODE", "dedicated", "PROXY_WORKLOAD_INFO", "ns/pod/sa"),
                        Config::proxyWorkloadInfo,
                        Optional.of(new WorkloadInfo("ns", "pod", "sa"))),
                row(
                        Map.of("PROXY_MODE", "dedicated", "PROXY_WORKLOAD_INFO", "ns/pod/sa"),
                        Config::packetMark,
                        Optional.empty()),
                row(Map.of("XDS_ON_DEMAND", "true", "ISTIO_META_DNS_CAPTURE", "false"), Config::xdsOnDemand, true),
                row(Map.of("ISTIO_META_DNS_CAPTURE", "False"), Config::dnsProxy, false),
                row(Map.of("ISTIO_META_DNS_CAPTURE", "TRUE"), Config::dnsProxy, true),
                row(
                        Map.of("TERMINATION_GRACE_PERIOD_SECONDS", "30"),
                        Config::connectionTerminationDeadline,
                        Duration.ofSeconds(25)),
                row(
                        Map.of("TERMINATION_GRACE_PERIOD_SECONDS", "10"),
                        Config::connectionTerminationDeadline,
                        Duration.ofSeconds(9)),
                row(
                        Map.of("TERMINATION_GRACE_PERIOD_SECONDS", "5"),
                        Config::connectionTerminationDeadline,
                        Duration.ofSeconds(4)),
                row(
                        Map.of("TERMINATION_GRACE_PERIOD_SECONDS", "1"),
                        Config::connectionTerminationDeadline,
                        Duration.ofSeconds(1)),
                row(
                        Map.of("TERMINATION_GRACE_PERIOD_SECONDS", "30", "CONNECTION_TERMINATION_DEADLINE", "7s"),
                        Config::connectionTerminationDeadline,
                        Duration.ofSeconds(7)),
                row(Map.of("ENABLE_ORIG_SRC", "false"), Config::enableOrigSrc, Optional.of(false)),
                row(Map.of("TLS12_ENABLED", "true"), Config::tls12Enabled, true),
                row(Map.of("ENABLE_RESPONSE_BAGGAGE", "false"), Config::enableResponseBaggage, false),
                row(Map.of("KEEPALIVE_ENABLED", "false"), Config::keepaliveEnabled, false),
                row(Map.of("KEEPALIVE_RETRIES", "3"), Config::keepaliveRetries, 3),
                row(Map.of("HTTP2_FRAME_SIZE", "16384"), Config::http2FrameSize, 16384),
                row(Map.of("LOG_FORMAT", "json"), Config::logFormat, LogFormat.JSON),
                row(
                        Map.of("INSTANCE_IP", "10.1.2.3"),
                        c -> c.instanceIp().map(InetAddress::getHostAddress),
                        Optional.of("10.1.2.3")),
                row(
                        Map.of("INSTANCE_IP", "fd00::1"),
                        c -> c.instanceIp().map(InetAddress::getHostAddress),
                        Optional.of("fd00:0:0:0:0:0:0:1")),
                row(
                        Map.of("XDS_HEADER_X-Tenant", "blue", "CA_HEADER_foo", "bar"),
                        Config::xdsHeaders,
                        Map.of("x-tenant", "blue")),
                row(Map.of("CA_HEADER_foo", "bar"), Config::caHeaders, Map.of("foo", "bar")),
                row(
                        Map.of(
                                "ISTIO_META_DNS_CAPTURE",
                                "true",
                                "ISTIO_META_CLUSTER_ID",
                                "c9",
                                "ISTIO_METAJSON_LABELS",
                                "{}"),
                        Config::proxyMetadata,
                        Map.of("DNS_CAPTURE", "true", "CLUSTER_ID", "c9")),
                row(
                        Map.of("ISTIO_METAJSON_LABELS", "{\"a\":\"b\"}"),
                        Config::proxyMetadataJson,
                        Map.of("LABELS", "{\"a\":\"b\"}")),
                row(
                        Map.of(
                                "NODE_NAME",
                                "n1",
                                "POD_NAME",
                                "zt-1",
                                "POD_NAMESPACE",
                                "istio-system",
                                "SERVICE_ACCOUNT",
                                "ztunnel"),
                        c -> c.nodeName() + "|" + c.podName() + "|" + c.podNamespace() + "|" + c.serviceAccount(),
                        "n1|zt-1|istio-system|ztunnel"),
                row(
                        Map.of("XDS_ROOT_CA", "SYSTEM", "AUTH_TOKEN", "/tmp/t"),
                        c -> c.xdsRootCa() + c.authToken(),
                        "SYSTEM/tmp/t"),
                row(Map.of("SECRET_TTL", ""), Config::secretTtl, Duration.ofHours(24)),
                row(Map.of(), c -> c.dnsProxyAddr().toString(), "localhost:15053"),
                row(Map.of("CLUSTER_DOMAIN", "corp.example."), Config::clusterDomain, "corp.example"),
                row(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "localhost:5353"),
                        c -> c.dnsProxyAddr().toString(),
                        "localhost:5353"),
                row(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "10.0.0.5:53"),
                        c -> c.dnsProxyAddr().toString(),
                        "10.0.0.5:53"),
                row(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "[::1]:15053"),
                        c -> c.dnsProxyAddr().toString(),
                        "[0:0:0:0:0:0:0:1]:15053"),
                row(Map.of(), Config::resolvConf, java.nio.file.Path.of("/etc/resolv.conf")),
                row(
                        Map.of("AMBIENT4J_RESOLV_CONF", "/run/node/resolv.conf"),
                        Config::resolvConf,
                        java.nio.file.Path.of("/run/node/resolv.conf")));
    }

    private static Arguments row(Map<String, String> env, Function<Config, Object> field, Object expected) {
        return Arguments.of(env, field, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodValues")
    void parsesValue(Map<String, String> env, Function<Config, Object> field, Object expected) {
        assertThat(field.apply(Config.fromEnv(env))).isEqualTo(expected);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("SECRET_TTL", "5 minutes"), "SECRET_TTL", "5 minutes", Reason.MALFORMED),
                Arguments.of(Map.of("SECRET_TTL", "0s"), "SECRET_TTL", "0s", Reason.OUT_OF_RANGE),
                Arguments.of(
                        Map.of("POOL_UNUSED_RELEASE_TIMEOUT", "5x"),
                        "POOL_UNUSED_RELEASE_TIMEOUT",
                        "5x",
                        Reason.MALFORMED),
                Arguments.of(Map.of("KEEPALIVE_TIME", "m5"), "KEEPALIVE_TIME", "m5", Reason.MALFORMED),
                Arguments.of(Map.of("PACKET_MARK", "0x539"), "PACKET_MARK", "0x539", Reason.MALFORMED),
                Arguments.of(Map.of("PACKET_MARK", "-1"), "PACKET_MARK", "-1", Reason.OUT_OF_RANGE),
                Arguments.of(
                        Map.of("POOL_MAX_STREAMS_PER_CONNECTION", "0"),
                        "POOL_MAX_STREAMS_PER_CONNECTION",
                        "0",
                        Reason.OUT_OF_RANGE),
                Arguments.of(Map.of("HTTP2_FRAME_SIZE", "1000"), "HTTP2_FRAME_SIZE", "1000", Reason.OUT_OF_RANGE),
                Arguments.of(Map.of("KEEPALIVE_ENABLED", "yes"), "KEEPALIVE_ENABLED", "yes", Reason.MALFORMED),
                Arguments.of(Map.of("XDS_ON_DEMAND", "maybe"), "XDS_ON_DEMAND", "maybe", Reason.MALFORMED),
                Arguments.of(Map.of("XDS_ON_DEMAND", "true"), "XDS_ON_DEMAND", "true", Reason.INCONSISTENT),
                Arguments.of(Map.of("PROXY_MODE", "node"), "PROXY_MODE", "node", Reason.OUT_OF_RANGE),
                Arguments.of(Map.of("PROXY_MODE", "dedicated"), "PROXY_WORKLOAD_INFO", null, Reason.INCONSISTENT),
                Arguments.of(
                        Map.of("PROXY_MODE", "dedicated", "PROXY_WORKLOAD_INFO", "ns/pod"),
                        "PROXY_WORKLOAD_INFO",
                        "ns/pod",
                        Reason.MALFORMED),
                Arguments.of(Map.of("INSTANCE_IP", "pod.local"), "INSTANCE_IP", "pod.local", Reason.MALFORMED),
                Arguments.of(Map.of("INSTANCE_IP", "10.1.2"), "INSTANCE_IP", "10.1.2", Reason.MALFORMED),
                Arguments.of(
                        Map.of("XDS_ADDRESS", "ftp://istiod:15012"),
                        "XDS_ADDRESS",
                        "ftp://istiod:15012",
                        Reason.OUT_OF_RANGE),
                Arguments.of(
                        Map.of("CA_ADDRESS", "https://bad host:1"),
                        "CA_ADDRESS",
                        "https://bad host:1",
                        Reason.MALFORMED),
                Arguments.of(
                        Map.of("TERMINATION_GRACE_PERIOD_SECONDS", "soon"),
                        "TERMINATION_GRACE_PERIOD_SECONDS",
                        "soon",
                        Reason.MALFORMED),
                Arguments.of(Map.of("CONNECTION_TERMINATION_DEADLINE", "5"), null, null, null),
                Arguments.of(Map.of("LOG_FORMAT", "xml"), "LOG_FORMAT", "xml", Reason.OUT_OF_RANGE),
                Arguments.of(Map.of("TLS12_ENABLED", "on"), "TLS12_ENABLED", "on", Reason.MALFORMED),
                Arguments.of(Map.of("XDS_HEADER_bad key", "v"), "XDS_HEADER_bad key", "v", Reason.MALFORMED),
                Arguments.of(Map.of("CA_HEADER_k", "caf\u00e9"), "CA_HEADER_k", "caf\u00e9", Reason.MALFORMED),
                Arguments.of(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "15053"),
                        "ISTIO_META_DNS_PROXY_ADDR",
                        "15053",
                        Reason.MALFORMED),
                Arguments.of(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "localhost:x"),
                        "ISTIO_META_DNS_PROXY_ADDR",
                        "localhost:x",
                        Reason.MALFORMED),
                Arguments.of(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "localhost:0"),
                        "ISTIO_META_DNS_PROXY_ADDR",
                        "localhost:0",
                        Reason.OUT_OF_RANGE),
                Arguments.of(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "::1:53"),
                        "ISTIO_META_DNS_PROXY_ADDR",
                        "::1:53",
                        Reason.MALFORMED),
                Arguments.of(
                        Map.of("ISTIO_META_DNS_PROXY_ADDR", "dns.local:53"),
                        "ISTIO_META_DNS_PROXY_ADDR",
                        "dns.local",
                        Reason.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void rejectsNamingVariableAndValue(Map<String, String> env, String variable, String value, Reason reason) {
        if (variable == null) {
            // A control row: a bare number is a valid duration (seconds), so nothing is thrown.
            assertThat(Config.fromEnv(env).connectionTerminationDeadline()).isEqualTo(Duration.ofSeconds(5));
            return;
        }
        assertThatThrownBy(() -> Config.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.variable()).isEqualTo(variable);
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).startsWith(variable + "=");
        });
    }
}
