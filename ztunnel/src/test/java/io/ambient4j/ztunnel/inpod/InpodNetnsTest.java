package io.ambient4j.ztunnel.inpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.cni.netns.Backend;
import io.ambient4j.cni.netns.InpodRules;
import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.cni.rules.PodRuleOptions;
import io.ambient4j.cni.rules.RuleConstants;
import io.ambient4j.cni.zds.PodCache;
import io.ambient4j.cni.zds.WorkloadIdentity;
import io.ambient4j.cni.zds.ZdsConfig;
import io.ambient4j.cni.zds.ZdsPod;
import io.ambient4j.cni.zds.ZdsServer;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.common.testing.TestPki;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.config.LogFormat;
import io.ambient4j.ztunnel.dns.DnsCodec;
import io.ambient4j.ztunnel.dns.DnsMessage;
import io.ambient4j.ztunnel.dns.DnsName;
import io.ambient4j.ztunnel.dns.DnsProxies;
import io.ambient4j.ztunnel.dns.FakeResolver;
import io.ambient4j.ztunnel.dns.ResolvConf;
import io.ambient4j.ztunnel.identity.CaClient;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.metrics.AccessLog;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.proxy.DestinationLookup;
import io.ambient4j.ztunnel.proxy.ProxySettings;
import io.ambient4j.ztunnel.proxy.WorkloadProxies;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.testing.Protos;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In-pod mode end to end in network namespaces (root; fails without root). Pods A (10.244.0.10) and B (10.244.0.11)
 * are netns on a bridge, with the CNI module's in-pod iptables rules; the CNI module's real ZDS server hands their
 * netns fds to a ztunnel made of the real parts: ZDS client, in-pod state, {@link WorkloadProxies} data path with
 * the per-pod DNS proxy, a certificate manager on a test CA, and the workloads and a service in the state as xDS
 * would put them there. ztunnel's resolv.conf points at a resolver on the node (10.244.0.1:53).
 */
@Timeout(180)
class InpodNetnsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int APP_PORT = 8080;
    private static final String SERVICE_VIP = "10.96.0.20";

    private NetnsLab lab;
    private String podA;
    private String podB;
    private Path dir;
    private ZdsServer server;
    private StateUpdater state;
    private CertManager certs;
    private TcpMetrics tcp;
    private DnsMetrics dnsMetrics;
    private Path resolvConf;
    private final List<TestZtunnel> ztunnels = new ArrayList<>();
    private final AtomicInteger appConnections = new AtomicInteger();

    /** One ztunnel process's in-pod half: its own data path, netns thread, in-pod state and ZDS client. */
    final class TestZtunnel implements AutoCloseable {
        final WorkloadProxies proxies;
        final NetnsExecutor netns;
        final InpodState inpod;
        final ZdsClient client;
        private boolean stopped;

        TestZtunnel(String name) throws IOException {
            Config cfg = Config.fromEnv(Map.of("AMBIENT4J_RESOLV_CONF", resolvConf.toString()));
            DnsProxies dns = new DnsProxies(
                    DnsProxies.settings(cfg, ResolvConf.read(cfg.resolvConf())), dnsMetrics, state::current);
            proxies = new WorkloadProxies(
                    state,
                    certs,
                    new ConnectionTelemetry(tcp, new AccessLog(LogFormat.PLAIN)),
                    ProxySettings.from(cfg),
                    DestinationLookup.kernel(),
                    Optional.of(dns));
            netns = NetnsExecutor.start("inpod-" + name);
            ZdsClient.verifyCapabilities(netns, cfg.packetMark().orElseThrow());
            inpod = new InpodState(
                    ProxyStarter.inNetns(netns, cfg.packetMark().orElseThrow(), proxies),
                    (ns, n) -> "cluster.local",
                    Duration.ofSeconds(2));
            client = ZdsClient.create(dir.resolve("ztunnel.sock"), inpod);
            client.start();
        }

        /** SIGTERM: listeners stop at once, connections drain to the deadline. */
        void stop() throws InterruptedException {
            if (!stopped) {
                stopped = true;
                client.close();
                inpod.shutdown();
            }
        }

        @Override
        public void close() throws Exception {
            stop();
            proxies.close();
            netns.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        lab = new NetnsLab();
        podA = lab.pod("a", 10);
        podB = lab.pod("b", 11);
        InpodRules rules = new InpodRules(lab.runner, Backend.IPTABLES);
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        rules.apply(lab.ns(podB), PodRuleOptions.defaults());

        TestPki pki = TestPki.create();
        CaClient ca = id -> {
            Csr.KeyAndCsr k = Csr.create(id);
            X509Certificate leaf = pki.ca().signCsr(k.csrPem(), id, Duration.ofHours(1));
            return WorkloadCertificate.fromCaResponse(k.key(), pki.ca().responseChain(leaf), id);
        };
        certs = CertManager.create(ca);
        tcp = new TcpMetrics();
        dnsMetrics = new DnsMetrics();
        state = new StateUpdater();
        List<Address> workloads = new ArrayList<>();
        for (var w :
                List.of(Protos.pod("default", "a", NetnsLab.ip(10)), Protos.pod("default", "b", NetnsLab.ip(11)))) {
            var p = w.build();
            workloads.add(ProtoConversion.workload(p.getUid(), p));
        }
        var echo = Protos.service("default", "echo", SERVICE_VIP, 80, APP_PORT).build();
        workloads.add(ProtoConversion.service(echo.getNamespace() + "/" + echo.getHostname(), echo));
        state.apply(StateDelta.ofAddresses(workloads, List.of()));

        dir = Files.createTempDirectory("zds-netns");
        resolvConf = dir.resolve("resolv.conf");
        Files.writeString(resolvConf, "nameserver " + NetnsLab.NODE_IP + "\noptions timeout:2 attempts:1\n");
        server = ZdsServer.create(ZdsConfig.defaults(dir.resolve("ztunnel.sock")), new PodCache());
        server.adopt(zdsPod("uid-a", "a", podA));
        server.adopt(zdsPod("uid-b", "b", podB));
        server.start();

        ServerSocketChannel app = lab.listen(podB, "0.0.0.0", APP_PORT);
        Thread.ofVirtual().start(() -> serveApp(app));
    }

    private static ZdsPod zdsPod(String uid, String name, String netns) throws IOException {
        return new ZdsPod(uid, new WorkloadIdentity(name, "default", name + "-sa"), Optional.of(Netns.named(netns)));
    }

    /** The app in pod B: answers each connection with the peer address it sees, then echoes one line. */
    private void serveApp(ServerSocketChannel app) {
        try {
            while (true) {
                SocketChannel c = app.accept();
                appConnections.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        String line = readLine(c);
                        String peer = ((InetSocketAddress) c.getRemoteAddress())
                                .getAddress()
                                .getHostAddress();
                        c.write(ByteBuffer.wrap(
                                ("peer=" + peer + " echo=" + line + "\n").getBytes(StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        // client went away
                    }
                });
            }
        } catch (IOException e) {
            // lab closed
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (c.read(one) < 0) {
                return sb.toString();
            }
            char ch = (char) one.get(0);
            if (ch == '\n') {
                return sb.toString();
            }
            sb.append(ch);
        }
    }

    /** A client in pod A calls pod B's app by its pod IP (captured by pod A's rules into 15001). */
    private String call(String message) throws IOException {
        try (SocketChannel c = lab.executor.call(lab.ns(podA), SocketChannel::open)) {
            c.socket().connect(new InetSocketAddress(NetnsLab.ip(11), APP_PORT), 5000);
            // Reads through the socket adaptor honour SO_TIMEOUT: a lost reply fails the call, not the test run.
            c.socket().setSoTimeout(5000);
            c.socket().getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
            java.io.InputStream in = c.socket().getInputStream();
            StringBuilder sb = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                sb.append((char) b);
            }
            return sb.toString();
        }
    }

    private String listeners(String pod) throws IOException {
        return lab.in(pod, "ss", "-ltnH");
    }

    private String udpListeners(String pod) throws IOException {
        return lab.in(pod, "ss", "-lunHe");
    }

    /** A resolver on the node, 10.244.0.1:53 UDP and TCP: the "outside" DNS server the pods are configured with. */
    private FakeResolver nodeResolver() throws IOException {
        DatagramChannel u = lab.track(lab.executor.call(lab.ns(lab.node), DatagramChannel::open));
        u.bind(new InetSocketAddress(NetnsLab.NODE_IP, 53));
        ServerSocketChannel t = lab.track(lab.executor.call(lab.ns(lab.node), ServerSocketChannel::open));
        t.bind(new InetSocketAddress(NetnsLab.NODE_IP, 53));
        return lab.track(new FakeResolver(u, t));
    }

    private static byte[] query(int id, String name) {
        return DnsCodec.encode(new DnsMessage(
                id,
                0x0100,
                List.of(new DnsMessage.Question(DnsName.of(name), DnsMessage.TYPE_A, DnsMessage.CLASS_IN)),
                List.of(),
                List.of(),
                List.of()));
    }

    /** An app in pod A asks the node's resolver over UDP, as its resolv.conf would make it. */
    private DnsMessage udpFromPodA(int id, String name) throws Exception {
        try (DatagramChannel c = lab.executor.call(lab.ns(podA), DatagramChannel::open)) {
            byte[] q = query(id, name);
            c.socket().setSoTimeout(5000);
            c.socket().send(new DatagramPacket(q, q.length, new InetSocketAddress(NetnsLab.NODE_IP, 53)));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            c.socket().receive(p);
            return DnsCodec.decode(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    /** The same over TCP. */
    private DnsMessage tcpFromPodA(int id, String name) throws Exception {
        try (SocketChannel c = lab.executor.call(lab.ns(podA), SocketChannel::open)) {
            c.socket().connect(new InetSocketAddress(NetnsLab.NODE_IP, 53), 5000);
            c.socket().setSoTimeout(5000);
            var out = new java.io.DataOutputStream(c.socket().getOutputStream());
            byte[] q = query(id, name);
            out.writeShort(q.length);
            out.write(q);
            out.flush();
            var in = new java.io.DataInputStream(c.socket().getInputStream());
            byte[] r = new byte[in.readUnsignedShort()];
            in.readFully(r);
            return DnsCodec.decode(r);
        }
    }

    private static List<String> addresses(DnsMessage m) {
        return m.answers().stream()
                .filter(r -> r.data() instanceof DnsMessage.Rdata.Address)
                .map(r -> r.data().toString())
                .toList();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (TestZtunnel z : ztunnels.reversed()) {
            z.close();
        }
        if (certs != null) {
            certs.close();
        }
        if (server != null) {
            server.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("ztunnel.sock"));
            Files.deleteIfExists(dir.resolve("resolv.conf"));
            Files.deleteIfExists(dir);
        }
    }

    private TestZtunnel ztunnel(String name) throws IOException {
        TestZtunnel z = new TestZtunnel(name);
        ztunnels.add(z);
        return z;
    }

    @Test
    void C026_podsAddedOverZdsGetListenersInsideTheirNetns() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());
        for (String pod : List.of(podA, podB)) {
            String ss = listeners(pod);
            assertThat(ss).contains("*:15001").contains("*:15006").contains("*:15008");
        }
        assertThat(listeners(lab.node)).doesNotContain(":15008");
        assertThat(z.inpod.status().active()).isEqualTo(2);
    }

    @Test
    void C064_clientInPodAReachesPodBThroughHboneAndTheAppSeesPodAsIp() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());

        assertThat(call("hello")).isEqualTo("peer=" + NetnsLab.ip(10) + " echo=hello");

        String metrics = tcp.render();
        String principalA = SpiffeId.of("cluster.local", "default", "a-sa").uri();
        assertThat(metrics)
                .as("pod B's ztunnel terminated HBONE with pod A's verified identity")
                .containsPattern("istio_tcp_connections_opened_total\\{reporter=\"destination\"[^}]*source_principal=\""
                        + java.util.regex.Pattern.quote(principalA)
                        + "\"[^}]*connection_security_policy=\"mutual_tls\"");
        assertThat(metrics).contains("reporter=\"source\"");
    }

    @Test
    void C063_plaintextFromANonMeshPodEntersThrough15006AndKeepsItsDestinationAndSource() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());
        String podC = lab.pod("c", 12); // never enrolled: no rules, not known to ztunnel

        String reply;
        try (SocketChannel c = lab.executor.call(lab.ns(podC), SocketChannel::open)) {
            c.socket().connect(new InetSocketAddress(NetnsLab.ip(11), APP_PORT), 5000);
            c.socket().setSoTimeout(5000);
            c.socket().getOutputStream().write("plain\n".getBytes(StandardCharsets.UTF_8));
            java.io.InputStream in = c.socket().getInputStream();
            StringBuilder sb = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                sb.append((char) b);
            }
            reply = sb.toString();
        }
        // pod B's nat PREROUTING redirected the call to 15006; ztunnel found the app port from SO_ORIGINAL_DST
        assertThat(reply).isEqualTo("peer=" + NetnsLab.ip(12) + " echo=plain");
        assertThat(tcp.render())
                .containsPattern("istio_tcp_connections_opened_total\\{reporter=\"destination\"[^}]*"
                        + "connection_security_policy=\"unknown\"");
    }

    @Test
    void C135_delRemovesThePodsListenersAtOnce() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());
        assertThat(listeners(podB)).contains("*:15008");

        server.deletePod("uid-b");

        assertThat(listeners(podB))
                .doesNotContain(":15008")
                .doesNotContain(":15001")
                .doesNotContain(":15006");
        assertThat(listeners(podA)).contains("*:15008");
        assertThat(z.inpod.status().proxies()).extracting(ProxyStatus::uid).containsExactly("uid-a");
    }

    @Test
    void C134_restartedZtunnelOverlapsWithSoReusePortAndNoNewConnectionFails() throws Exception {
        TestZtunnel old = ztunnel("old");
        await().atMost(WAIT).until(() -> old.inpod.status().ready());
        assertThat(call("warm-up")).startsWith("peer=" + NetnsLab.ip(10));
        // the pod rules let a closing listener hand its queued connections to the new one (else Linux resets them)
        assertThat(lab.in(podB, "sysctl", "-n", InpodRules.MIGRATE_REQ).strip()).isEqualTo("1");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Thread load = Thread.ofVirtual().start(() -> {
            int i = 0;
            while (running.get()) {
                try {
                    String reply = call("n" + i);
                    if (reply.equals("peer=" + NetnsLab.ip(10) + " echo=n" + i)) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, "reply '" + reply + "'");
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e.toString());
                }
                i++;
            }
        });

        await().atMost(WAIT).until(() -> ok.get() >= 20);
        // Upgrade: the new ztunnel takes the snapshot and binds the same ports in both pods...
        TestZtunnel fresh = ztunnel("new");
        await().atMost(WAIT).until(() -> fresh.inpod.status().ready());
        int beforeStop = ok.get();
        await().atMost(WAIT).until(() -> ok.get() >= beforeStop + 20);
        // ...then the old one gets SIGTERM: its listeners close at once and it drains.
        old.stop();
        int afterStop = ok.get();
        await().atMost(WAIT).until(() -> ok.get() >= afterStop + 40);
        running.set(false);
        load.join(Duration.ofSeconds(10));
        System.out.printf(
                "upgrade overlap: %d connections ok, %d failed (old stopped after %d)%n",
                ok.get(), failed.get(), afterStop);

        assertThat(failed.get())
                .as("failed connections (first: %s) of %d", firstFailure.get(), ok.get() + failed.get())
                .isZero();
        assertThat(listeners(podB)).contains("*:15008");
        assertThat(fresh.inpod.status().active()).isEqualTo(2);
        assertThat(old.inpod.status().proxies()).isEmpty();
    }

    @Test
    void C125_podDnsToAnOutsideResolverIsAnsweredByZtunnelOrForwardedFromThePod() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());
        FakeResolver upstream = nodeResolver();
        assertThat(udpListeners(podA))
                .as("the DNS proxy listens on localhost inside the pod, marked")
                .contains("127.0.0.1:15053")
                .contains("fwmark:0x" + Integer.toHexString(RuleConstants.INPOD_MARK));
        // TCP listeners are dual-stack sockets: 127.0.0.1 shows as [::ffff:127.0.0.1].
        assertThat(listeners(podA)).contains("127.0.0.1]:15053");

        // A mesh service: the pod's redirect sends the query to ztunnel, which answers from xDS state.
        for (DnsMessage m : List.of(udpFromPodA(1, "echo"), tcpFromPodA(2, "echo.default.svc.cluster.local"))) {
            assertThat(m.rcode()).isEqualTo(DnsMessage.RCODE_NOERROR);
            assertThat(m.authoritative()).isTrue();
            assertThat(addresses(m)).containsExactly(SERVICE_VIP);
        }
        assertThat(upstream.seen)
                .as("mesh names never reach the upstream resolver")
                .isEmpty();

        // Another name: forwarded to ztunnel's resolver from inside the pod (its IP is the source), mark 0x539.
        DnsMessage viaUdp = udpFromPodA(3, "upstream.example.com");
        assertThat(viaUdp.id()).isEqualTo(3);
        assertThat(addresses(viaUdp)).containsExactly("7.7.7.7");
        assertThat(viaUdp.authoritative()).isFalse();
        assertThat(addresses(tcpFromPodA(4, "upstream.example.com"))).containsExactly("7.7.7.7");
        assertThat(udpFromPodA(5, "nothing.example.com").rcode()).isEqualTo(DnsMessage.RCODE_NXDOMAIN);
        assertThat(upstream.seen)
                .containsExactly(
                        "udp upstream.example.com from " + NetnsLab.ip(10),
                        "tcp upstream.example.com from " + NetnsLab.ip(10),
                        "udp nothing.example.com from " + NetnsLab.ip(10));
        assertThat(dnsMetrics.render()).contains("request_protocol=\"tcp\",source_canonical_service=\"a\"");
    }

    @Test
    void C135_delAlsoReleasesTheDnsProxy() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());
        assertThat(udpListeners(podB)).contains("127.0.0.1:15053");

        server.deletePod("uid-b");

        assertThat(udpListeners(podB)).doesNotContain(":15053");
        assertThat(listeners(podB)).doesNotContain(":15053");
        assertThat(udpListeners(podA)).contains("127.0.0.1:15053");
    }

    @Test
    void inpodSocketsCarryThePacketMark() throws Exception {
        TestZtunnel z = ztunnel("one");
        await().atMost(WAIT).until(() -> z.inpod.status().ready());
        // ss shows fwmark for sockets that carry one (-e); listeners in the pod must carry 0x539.
        String ss = lab.in(podA, "ss", "-ltnHe", "sport", "= :15001");
        assertThat(ss).contains("fwmark:0x" + Integer.toHexString(RuleConstants.INPOD_MARK));
    }
}
