package io.ambient4j.ztunnel.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.dns.DnsMessage.Rdata;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The DNS server on real loopback sockets: a static mesh state, a local fake upstream resolver, and clients that are
 * a plain {@link DatagramSocket} and a plain TCP {@link Socket}.
 */
@Timeout(60)
class DnsServerTest {
    private FakeResolver upstream;
    private DnsServer server;
    private DnsMetrics metrics;
    private StateUpdater state;
    private int nextId = 100;

    @BeforeEach
    void setUp() throws Exception {
        upstream = FakeResolver.onLoopback();
        metrics = new DnsMetrics();
        state = new StateUpdater();
        DnsFixtures.mesh(); // fixture sanity: built through the converter
        ResolvConf rc = new ResolvConf(List.of(upstream.address()), List.of(), Duration.ofMillis(500), 1);
        DnsSettings settings = new DnsSettings(
                Optional.of(InetAddress.getByName("127.0.0.1")),
                0,
                DnsName.of("cluster.local"),
                true,
                rc,
                Duration.ofSeconds(2));
        var mesh = DnsFixtures.mesh();
        DnsHandler handler = new DnsHandler(
                () -> mesh,
                () -> DnsFixtures.CLIENT_NS1,
                settings,
                new DnsForwarder(rc, SocketFactory.plain(), new SplittableRandom(3)),
                metrics,
                new SplittableRandom(4));
        server = DnsServer.start(settings, handler, SocketFactory.plain(), "test-pod");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private byte[] query(String name, int type) {
        return DnsCodec.encode(new DnsMessage(
                nextId++,
                0x0100,
                List.of(new Question(DnsName.of(name), type, DnsMessage.CLASS_IN)),
                List.of(),
                List.of(),
                List.of()));
    }

    private DnsMessage udp(byte[] query) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5000);
            s.send(new DatagramPacket(query, query.length, server.udpAddresses().getFirst()));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return DnsCodec.decode(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    private DnsMessage tcp(byte[] query) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server.tcpAddresses().getFirst(), 5000);
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] r = new byte[in.readUnsignedShort()];
            in.readFully(r);
            return DnsCodec.decode(r);
        }
    }

    private static List<String> addresses(DnsMessage m) {
        return m.answers().stream()
                .filter(r -> r.data() instanceof Rdata.Address)
                .map(r -> r.data().toString())
                .sorted()
                .toList();
    }

    @Test
    void C125_meshNamesAreAnsweredLocallyOverUdpAndTcp() throws Exception {
        for (DnsMessage m :
                List.of(udp(query("productpage", DnsMessage.TYPE_A)), tcp(query("productpage", DnsMessage.TYPE_A)))) {
            assertThat(m.rcode()).isEqualTo(DnsMessage.RCODE_NOERROR);
            assertThat(m.authoritative()).isTrue();
            assertThat(m.questions().getFirst().name()).isEqualTo(DnsName.of("productpage"));
            assertThat(addresses(m)).containsExactly("9.9.9.9");
            assertThat(m.answers().getFirst().ttl()).isEqualTo(30);
        }
        assertThat(upstream.seen).isEmpty();
    }

    @Test
    void otherNamesAreForwardedAndTheUpstreamAnswerReturned() throws Exception {
        DnsMessage viaUdp = udp(query("upstream.example.com", DnsMessage.TYPE_A));
        assertThat(viaUdp.rcode()).isEqualTo(DnsMessage.RCODE_NOERROR);
        assertThat(viaUdp.authoritative()).isFalse();
        assertThat(viaUdp.id()).isEqualTo(100);
        assertThat(addresses(viaUdp)).containsExactly("7.7.7.7");
        DnsMessage viaTcp = tcp(query("upstream.example.com", DnsMessage.TYPE_A));
        assertThat(addresses(viaTcp)).containsExactly("7.7.7.7");
        assertThat(upstream.seen)
                .containsExactly("udp upstream.example.com from 127.0.0.1", "tcp upstream.example.com from 127.0.0.1");
        // Non-address types go upstream even for mesh names.
        udp(query("productpage.ns1.svc.cluster.local", DnsMessage.TYPE_NS));
        assertThat(upstream.seen).contains("udp productpage.ns1.svc.cluster.local from 127.0.0.1");
    }

    @Test
    void upstreamNxdomainReachesTheClient() throws Exception {
        assertThat(udp(query("nothing.example.com", DnsMessage.TYPE_A)).rcode()).isEqualTo(DnsMessage.RCODE_NXDOMAIN);
        assertThat(tcp(query("nothing.example.com", DnsMessage.TYPE_A)).rcode()).isEqualTo(DnsMessage.RCODE_NXDOMAIN);
    }

    @Test
    void anUpstreamTimeoutIsServfail() throws Exception {
        DnsMessage m = udp(query("slow.example.com", DnsMessage.TYPE_A));
        assertThat(m.rcode()).isEqualTo(DnsMessage.RCODE_SERVFAIL);
        DnsMetrics.Labels l = new DnsMetrics.Labels("a", "udp", Optional.of("client"), Optional.of("v1"));
        assertThat(metrics.upstreamFailures(l)).isEqualTo(1);
        assertThat(metrics.upstreamRequests(l)).isEqualTo(1);
        assertThat(tcp(query("slow.example.com", DnsMessage.TYPE_A)).rcode()).isEqualTo(DnsMessage.RCODE_SERVFAIL);
    }

    @Test
    void aTruncatedUdpAnswerIsFetchedOverTcpAndStillTruncatedForAUdpClient() throws Exception {
        DnsMessage viaUdp = udp(query("big.example.com", DnsMessage.TYPE_A));
        assertThat(viaUdp.truncated()).isTrue();
        assertThat(upstream.seen)
                .containsExactly("udp big.example.com from 127.0.0.1", "tcp big.example.com from 127.0.0.1");
        DnsMessage viaTcp = tcp(query("big.example.com", DnsMessage.TYPE_A));
        assertThat(viaTcp.truncated()).isFalse();
        assertThat(viaTcp.answers()).hasSize(100);
    }

    @Test
    void malformedQueriesGetFormerrAndTheServerKeepsServing() throws Exception {
        byte[] bad = java.util.HexFormat.of().parseHex("beef01000001000000000000c00c00010001");
        DnsMessage m = udp(bad);
        assertThat(m.id()).isEqualTo(0xBEEF);
        assertThat(m.rcode()).isEqualTo(DnsMessage.RCODE_FORMERR);
        assertThat(tcp(bad).rcode()).isEqualTo(DnsMessage.RCODE_FORMERR);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[3], 3, server.udpAddresses().getFirst()));
        }
        assertThat(addresses(udp(query("productpage", DnsMessage.TYPE_A)))).containsExactly("9.9.9.9");
        assertThat(metrics.malformedCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void C130_dnsRequestsAreCounted() throws Exception {
        udp(query("productpage", DnsMessage.TYPE_A));
        tcp(query("productpage", DnsMessage.TYPE_AAAA));
        udp(query("upstream.example.com", DnsMessage.TYPE_A));
        DnsMetrics.Labels udpA = new DnsMetrics.Labels("a", "udp", Optional.of("client"), Optional.of("v1"));
        assertThat(metrics.requests(udpA)).isEqualTo(2);
        assertThat(metrics.upstreamRequests(udpA)).isEqualTo(1);
        assertThat(metrics.requests(new DnsMetrics.Labels("aaaa", "tcp", Optional.of("client"), Optional.of("v1"))))
                .isEqualTo(1);
        assertThat(metrics.render())
                .contains("istio_dns_requests_total{request_query_type=\"a\",request_protocol=\"udp\","
                        + "source_canonical_service=\"client\",source_canonical_revision=\"v1\"} 2")
                .contains("istio_dns_upstream_request_duration_seconds_count{request_query_type=\"a\"");
    }

    @Test
    void closingReleasesThePorts() throws Exception {
        InetSocketAddress u = server.udpAddresses().getFirst();
        InetSocketAddress t = server.tcpAddresses().getFirst();
        server.close();
        server = null;
        try (var again = java.nio.channels.DatagramChannel.open().bind(u);
                var againTcp = java.nio.channels.ServerSocketChannel.open().bind(t)) {
            assertThat(again.getLocalAddress()).isEqualTo(u);
            assertThat(againTcp.getLocalAddress()).isEqualTo(t);
        }
    }
}
