package io.ambient4j.ztunnel.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.rbac.Authorization;
import io.ambient4j.ztunnel.rbac.PolicyAction;
import io.ambient4j.ztunnel.rbac.PolicyScope;
import io.ambient4j.ztunnel.rbac.RbacMatch;
import io.ambient4j.ztunnel.rbac.StringMatch;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.testing.FakeCa;
import io.ambient4j.ztunnel.testing.MeshState;
import io.ambient4j.ztunnel.testing.Protos;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process ("direct") tier: two ztunnels, each serving one pod on its own loopback address (127.0.1.1 = pod
 * a/client, 127.0.2.1 = pod b/server), a real CA behind gRPC/TLS issuing both pods' certificates, state fed straight
 * into each ztunnel's single writer, and real sockets, TLS and HBONE between them. Only the original-destination
 * lookup is given explicitly (SO_ORIGINAL_DST needs the in-pod iptables rules of the netns tier).
 */
class ZtunnelDirectTest {
    static final InetAddress POD_A = ip("127.0.1.1");
    static final InetAddress POD_B = ip("127.0.2.1");
    static final InetAddress OUTSIDER = ip("127.0.3.1");
    static final String CLIENT_ID = "spiffe://cluster.local/ns/a/sa/client-sa";
    static final String SERVER_ID = "spiffe://cluster.local/ns/b/sa/server-sa";

    @TempDir
    Path dir;

    FakeCa ca;
    EchoServer app;
    TestZtunnel zA;
    TestZtunnel zB;
    WorkloadProxyFactory.Handle podA;
    WorkloadProxyFactory.Handle podB;
    final AccessLines access = new AccessLines();

    @BeforeEach
    void setUp() throws Exception {
        Logger.getLogger("access").addHandler(access);
        ca = new FakeCa(dir);
        app = new EchoServer(new InetSocketAddress(POD_B, 0));
        List<Address> mesh = List.of(
                MeshState.convert(Protos.pod("a", "client", "127.0.1.1")),
                MeshState.convert(Protos.pod("b", "server", "127.0.2.1")));
        InetSocketAddress appAddr = app.address();
        DestinationLookup toApp = new DestinationLookup() {
            @Override
            public InetSocketAddress outbound(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted) {
                return appAddr;
            }

            @Override
            public InetSocketAddress inboundPlaintext(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted) {
                return appAddr;
            }
        };
        var cfg = ca.config(Duration.ofHours(24));
        zA = new TestZtunnel(cfg, toApp, Map.of("client", POD_A), mesh);
        zB = new TestZtunnel(cfg, toApp, Map.of("server", POD_B), mesh);
        podA = zA.proxies.start(
                new WorkloadProxyFactory.PodInfo("uid-a", "client", "a", SpiffeId.parse(CLIENT_ID)),
                SocketFactory.plain());
        podB = zB.proxies.start(
                new WorkloadProxyFactory.PodInfo("uid-b", "server", "b", SpiffeId.parse(SERVER_ID)),
                SocketFactory.plain());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : Arrays.asList(podA, podB, zA, zB, app, ca)) {
            if (c != null) {
                c.close();
            }
        }
        Logger.getLogger("access").removeHandler(access);
    }

    @Test
    void C062_bytesFlowClientToServerOverHboneAndServerLogsClientIdentity() throws Exception {
        byte[] payload = "hello through HBONE".getBytes(StandardCharsets.UTF_8);
        assertThat(roundTrip(new InetSocketAddress(POD_A, Ports.OUTBOUND), POD_A, payload))
                .isEqualTo(payload);
        // The app saw the client pod's IP, not ztunnel's.
        assertThat(app.peers.poll(10, TimeUnit.SECONDS).getAddress()).isEqualTo(POD_A);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> access.find("direction=\"inbound\"").isPresent()
                        && access.find("direction=\"outbound\"").isPresent());
        String inbound = access.find("direction=\"inbound\"").orElseThrow();
        assertThat(inbound)
                .startsWith("connection complete")
                .contains("src.addr=127.0.1.1:")
                .contains("src.workload=\"client\"")
                .contains("src.identity=\"" + CLIENT_ID + "\"")
                .contains("dst.addr=127.0.2.1:15008")
                .contains("dst.hbone_addr=" + "127.0.2.1:" + app.address().getPort())
                .contains("dst.identity=\"" + SERVER_ID + "\"")
                .contains("bytes_sent=" + payload.length)
                .contains("bytes_recv=" + payload.length);
        assertThat(access.find("direction=\"outbound\"").orElseThrow()).contains("dst.addr=127.0.2.1:15008");
    }

    @Test
    void C126_bothReportersLabelTheConnection() throws Exception {
        byte[] payload = new byte[200_000];
        Arrays.fill(payload, (byte) 7);
        assertThat(roundTrip(new InetSocketAddress(POD_A, Ports.OUTBOUND), POD_A, payload))
                .isEqualTo(payload);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> zB.metrics.render().contains("istio_tcp_connections_closed_total{reporter=\"destination\"")
                        && zA.metrics.render().contains("istio_tcp_connections_closed_total{reporter=\"source\""));
        String dst = sample(zB.metrics.render(), "istio_tcp_received_bytes_total");
        assertThat(dst)
                .contains("reporter=\"destination\"")
                .contains("source_workload=\"client\"")
                .contains("source_workload_namespace=\"a\"")
                .contains("source_principal=\"" + CLIENT_ID + "\"")
                .contains("destination_workload=\"server\"")
                .contains("destination_principal=\"" + SERVER_ID + "\"")
                .contains("connection_security_policy=\"mutual_tls\"")
                .contains("response_flags=\"-\"")
                .endsWith("} " + payload.length);
        String src = sample(zA.metrics.render(), "istio_tcp_sent_bytes_total");
        assertThat(src)
                .contains("reporter=\"source\"")
                .contains("source_principal=\"" + CLIENT_ID + "\"")
                .contains("destination_principal=\"" + SERVER_ID + "\"")
                .contains("connection_security_policy=\"mutual_tls\"")
                .endsWith("} " + payload.length);
        assertThat(sample(zA.metrics.render(), "istio_tcp_connections_opened_total"))
                .endsWith("} 1");
        assertThat(sample(zB.metrics.render(), "istio_tcp_connections_opened_total"))
                .endsWith("} 1");
    }

    @Test
    void C081_denyPolicyResetsTheConnection() throws Exception {
        zB.state.apply(StateDelta.ofPolicies(List.of(denyClient()), List.of()));
        assertThatThrownBy(() -> roundTrip(
                        new InetSocketAddress(POD_A, Ports.OUTBOUND), POD_A, "x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("reset");
        assertThat(app.peers).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> zB.metrics.render().contains("istio_tcp_connections_failed_total{reporter=\"destination\"")
                        && zA.metrics.render().contains("istio_tcp_connections_failed_total{reporter=\"source\""));
        assertThat(sample(zB.metrics.render(), "istio_tcp_connections_failed_total"))
                .contains("response_flags=\"DENY\"")
                .contains("source_principal=\"" + CLIENT_ID + "\"");
        assertThat(sample(zA.metrics.render(), "istio_tcp_connections_failed_total"))
                .contains("response_flags=\"DENY\"");
    }

    @Test
    void C081_policyAddedWhileConnectionIsOpenClosesIt() throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(POD_A, 0));
            s.connect(new InetSocketAddress(POD_A, Ports.OUTBOUND), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> zB.proxies.connections().size() == 1);

            zB.state.apply(StateDelta.ofPolicies(List.of(denyClient()), List.of()));

            assertThat(endOfStream(s.getInputStream())).isTrue();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> access.find("direction=\"inbound\"").isPresent());
        assertThat(access.find("direction=\"inbound\"").orElseThrow())
                .contains("error=\"closed: authorization policy changed\"");
        assertThat(zB.proxies.connections().size()).isZero();
    }

    @Test
    void C063_C078_plaintextPassesUnderPermissiveAndIsRefusedUnderStrict() throws Exception {
        InetSocketAddress plaintext = new InetSocketAddress(POD_B, Ports.INBOUND_PLAINTEXT);
        byte[] hi = "plain hello".getBytes(StandardCharsets.UTF_8);
        assertThat(roundTrip(plaintext, OUTSIDER, hi)).isEqualTo(hi);
        assertThat(app.peers.poll(10, TimeUnit.SECONDS).getAddress()).isEqualTo(OUTSIDER);

        // An open plaintext connection, then the namespace turns STRICT: it is closed, and new ones are refused.
        try (Socket open = new Socket()) {
            open.bind(new InetSocketAddress(OUTSIDER, 0));
            open.connect(plaintext, 5000);
            open.setSoTimeout(10_000);
            open.getOutputStream().write(1);
            assertThat(open.getInputStream().read()).isEqualTo(1);
            zB.state.apply(StateDelta.ofPolicies(List.of(strict()), List.of()));
            assertThat(endOfStream(open.getInputStream())).isTrue();
        }
        assertThatThrownBy(() -> roundTrip(plaintext, OUTSIDER, hi)).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> zB.metrics.render().contains("response_flags=\"DENY\""));
        assertThat(sample(zB.metrics.render(), "istio_tcp_connections_failed_total"))
                .contains("connection_security_policy=\"unknown\"")
                .contains("source_principal=\"unknown\"");

        // Mesh traffic over HBONE still flows under STRICT.
        assertThat(roundTrip(new InetSocketAddress(POD_A, Ports.OUTBOUND), POD_A, hi))
                .isEqualTo(hi);
    }

    @Test
    void C134_drainLetsOpenConnectionsFinishAndRefusesNewOnes() throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(POD_A, 0));
            s.connect(new InetSocketAddress(POD_A, Ports.OUTBOUND), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("one".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().readNBytes(3)).isEqualTo("one".getBytes(StandardCharsets.UTF_8));
            podA.stopAccepting();
            assertThatThrownBy(() -> new Socket(POD_A, Ports.OUTBOUND).close()).isInstanceOf(IOException.class);
            // The open connection keeps working after listeners closed.
            s.getOutputStream().write("two".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().readNBytes(3)).isEqualTo("two".getBytes(StandardCharsets.UTF_8));
            // The drain deadline then closes it.
            long t0 = System.nanoTime();
            podA.drain(Duration.ofMillis(500));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(endOfStream(s.getInputStream())).isTrue();
        }
    }

    @Test
    void certificatesOfWorkloadsOnThisNodeArePrefetchedOnStateUpdate() {
        SpiffeId local = SpiffeId.of("", "c", "local-sa");
        SpiffeId remote = SpiffeId.of("", "c", "remote-sa");
        zA.state.apply(StateDelta.ofAddresses(
                List.of(
                        MeshState.convert(Protos.pod("c", "local", "127.0.4.1")),
                        MeshState.convert(Protos.pod("c", "remote", "127.0.4.2").setNode("node-2"))),
                List.of()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> zA.certs.current(local).isPresent());
        assertThat(zA.certs.identities()).doesNotContain(remote);
    }

    // --- helpers ---

    private static Authorization denyClient() {
        return new Authorization(
                "deny-client",
                "b",
                PolicyScope.NAMESPACE,
                PolicyAction.DENY,
                List.of(List.of(List.of(RbacMatch.builder()
                        .principals(List.of(new StringMatch.Exact("cluster.local/ns/a/sa/client-sa")))
                        .build()))),
                false);
    }

    /** What istiod sends for a STRICT PeerAuthentication: deny whatever has no principal. */
    private static Authorization strict() {
        return new Authorization(
                "istio_converted_static_strict",
                "b",
                PolicyScope.NAMESPACE,
                PolicyAction.DENY,
                List.of(List.of(List.of(RbacMatch.builder()
                        .notPrincipals(List.of(new StringMatch.Presence()))
                        .build()))),
                false);
    }

    /** Connects from {@code from}, sends, half-closes, reads to EOF. */
    static byte[] roundTrip(InetSocketAddress to, InetAddress from, byte[] payload) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(to, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    /** True when the stream ends (EOF or reset) before the read timeout. */
    static boolean endOfStream(InputStream in) {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The one sample line of {@code family} in an OpenMetrics text. */
    static String sample(String metrics, String family) {
        List<String> lines =
                metrics.lines().filter(l -> l.startsWith(family + "{")).toList();
        assertThat(lines).as(family + " samples in\n" + metrics).hasSize(1);
        return lines.getFirst();
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Captures access-log lines (logger {@code access}). */
    static final class AccessLines extends Handler {
        private final java.util.concurrent.CopyOnWriteArrayList<String> lines =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        Optional<String> find(String fragment) {
            return lines.stream().filter(l -> l.contains(fragment)).findFirst();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
