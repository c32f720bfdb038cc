package io.ambient4j.cni.netns;

import static io.ambient4j.cni.netns.NetnsLab.acceptWithin;
import static io.ambient4j.cni.netns.NetnsLab.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.rules.InpodIptables;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.PodRuleOptions;
import io.ambient4j.cni.rules.RuleConstants;
import io.ambient4j.cni.rules.RuleSync;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.common.net.SocketOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In-pod capture with real iptables in real network namespaces (root only; fails without root). Pod A
 * (10.244.0.10) is enrolled; pod B (.11) and pod C (.12) are not. ztunnel's listeners are opened inside
 * pod A from Java through the setns thread, with SO_MARK 0x539, as ztunnel does.
 */
@Timeout(120)
class InpodRedirectionTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration NOTHING = Duration.ofMillis(300);

    private NetnsLab lab;
    private String podA;
    private String podB;
    private String podC;
    private InpodRules rules;

    @BeforeEach
    void setUp() throws Exception {
        lab = new NetnsLab();
        podA = lab.pod("a", 10);
        podB = lab.pod("b", 11);
        podC = lab.pod("c", 12);
        rules = new InpodRules(lab.runner, Backend.IPTABLES);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void C020_rulesAndRoutingReadBackExactly() throws Exception {
        assertThat(rules.apply(lab.ns(podA), PodRuleOptions.defaults())).isEqualTo(RuleSync.Action.APPLY);
        assertThat(rules.state(lab.ns(podA), IpFamily.V4))
                .isEqualTo(InpodIptables.rules(PodRuleOptions.defaults(), IpFamily.V4)
                        .expectedState());
        assertThat(lab.in(podA, "ip", "-4", "rule", "show")).contains("32764:\tfrom all fwmark 0x111/0xfff lookup 100");
        assertThat(lab.in(podA, "ip", "-4", "route", "show", "table", "100")).contains("local default dev lo");
        assertThat(rules.state(lab.ns(podB), IpFamily.V4).isEmpty())
                .as("other pods untouched")
                .isTrue();
    }

    @Test
    void C022_reapplyIsIdempotentAndDriftIsReplaced() throws Exception {
        PodRuleOptions options = PodRuleOptions.defaults();
        rules.apply(lab.ns(podA), options);
        int count = rules.state(lab.ns(podA), IpFamily.V4).ruleCount();
        assertThat(rules.apply(lab.ns(podA), options)).isEqualTo(RuleSync.Action.NONE);
        assertThat(rules.state(lab.ns(podA), IpFamily.V4).ruleCount()).isEqualTo(count);
        assertThat(lab.in(podA, "ip", "-4", "rule", "show").lines().filter(l -> l.contains("fwmark 0x111")))
                .hasSize(1);

        PodRuleOptions bypass = options.withBypassInboundCapture(true).withDnsCapture(false);
        assertThat(rules.apply(lab.ns(podA), bypass)).isEqualTo(RuleSync.Action.REMOVE_THEN_APPLY);
        assertThat(rules.state(lab.ns(podA), IpFamily.V4))
                .isEqualTo(InpodIptables.rules(bypass, IpFamily.V4).expectedState());
    }

    @Test
    void C020_outboundIsRedirectedTo15001WithOriginalDestination() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        ServerSocketChannel outbound = lab.ztunnelListener(podA, RuleConstants.OUTBOUND_PORT);
        ServerSocketChannel appB = lab.listen(podB, "0.0.0.0", 8080);

        SocketChannel client = lab.connect(podA, ip(11), 8080);
        SocketChannel captured = lab.track(acceptWithin(outbound, WAIT));
        assertThat(captured).as("connection from pod A captured on 15001").isNotNull();
        assertThat(acceptWithin(appB, NOTHING))
                .as("app in B not reached directly")
                .isNull();
        SocketOptions opts = SocketOptions.create();
        assertThat(opts.originalDestination(captured)).isEqualTo(new InetSocketAddress(ip(11), 8080));
        assertThat(((InetSocketAddress) captured.getLocalAddress()).getPort()).isEqualTo(15001);
        assertThat(((InetSocketAddress) captured.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.getByName(ip(10)));
        assertThat(opts.mark(captured)).as("accepted socket inherits the mark").isEqualTo(0x539);
        client.close();

        // ztunnel's own (marked) socket is not captured: it reaches the app in B.
        try (SocketChannel marked = lab.ztunnelIn(podA).connect(new InetSocketAddress(ip(11), 8080))) {
            assertThat(marked.isConnected()).isTrue();
            SocketChannel direct = lab.track(acceptWithin(appB, WAIT));
            assertThat(direct).isNotNull();
            assertThat(((InetSocketAddress) direct.getRemoteAddress()).getAddress())
                    .isEqualTo(InetAddress.getByName(ip(10)));
            assertThat(acceptWithin(outbound, NOTHING)).isNull();
        }
    }

    @Test
    void C020_inboundLandsOn15006And15008IsNotRedirected() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        ServerSocketChannel inbound = lab.ztunnelListener(podA, RuleConstants.INBOUND_PLAINTEXT_PORT);
        ServerSocketChannel hbone = lab.ztunnelListener(podA, RuleConstants.HBONE_PORT);
        ServerSocketChannel appA = lab.listen(podA, "0.0.0.0", 8080);

        lab.connect(podC, ip(10), 8080);
        SocketChannel plain = lab.track(acceptWithin(inbound, WAIT));
        assertThat(plain).as("plaintext to A:8080 lands on 15006").isNotNull();
        assertThat(acceptWithin(appA, NOTHING)).isNull();
        assertThat(SocketOptions.create().originalDestination(plain)).isEqualTo(new InetSocketAddress(ip(10), 8080));
        assertThat(((InetSocketAddress) plain.getLocalAddress()).getAddress()).isEqualTo(InetAddress.getByName(ip(10)));
        assertThat(((InetSocketAddress) plain.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.getByName(ip(12)));

        lab.connect(podC, ip(10), RuleConstants.HBONE_PORT);
        SocketChannel tunnel = lab.track(acceptWithin(hbone, WAIT));
        assertThat(tunnel).as("HBONE port 15008 reached as is").isNotNull();
        assertThat(acceptWithin(inbound, NOTHING)).isNull();
    }

    @Test
    void C021_bypassInboundLeavesInboundAloneButCapturesOutbound() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults().withBypassInboundCapture(true));
        ServerSocketChannel inbound = lab.ztunnelListener(podA, RuleConstants.INBOUND_PLAINTEXT_PORT);
        ServerSocketChannel outbound = lab.ztunnelListener(podA, RuleConstants.OUTBOUND_PORT);
        ServerSocketChannel appA = lab.listen(podA, "0.0.0.0", 8080);
        lab.listen(podB, "0.0.0.0", 8080);

        lab.connect(podC, ip(10), 8080);
        assertThat(lab.track(acceptWithin(appA, WAIT)))
                .as("inbound goes straight to the app")
                .isNotNull();
        assertThat(acceptWithin(inbound, NOTHING)).isNull();

        lab.connect(podA, ip(11), 8080);
        assertThat(lab.track(acceptWithin(outbound, WAIT)))
                .as("outbound still captured")
                .isNotNull();
    }

    @Test
    void C020_removalRemovesEveryRuleAndTrafficIsDirect() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        rules.remove(lab.ns(podA), false);
        assertThat(rules.state(lab.ns(podA), IpFamily.V4).isEmpty()).isTrue();
        assertThat(lab.in(podA, "iptables-save")).doesNotContain("ISTIO");
        assertThat(lab.in(podA, "ip", "-4", "rule", "show")).doesNotContain("fwmark");
        assertThat(lab.in(podA, "ip", "-4", "route", "show", "table", "100")).isBlank();

        ServerSocketChannel outbound = lab.ztunnelListener(podA, RuleConstants.OUTBOUND_PORT);
        ServerSocketChannel appB = lab.listen(podB, "0.0.0.0", 8080);
        lab.connect(podA, ip(11), 8080);
        assertThat(lab.track(acceptWithin(appB, WAIT)))
                .as("direct after removal")
                .isNotNull();
        assertThat(acceptWithin(outbound, NOTHING)).isNull();

        // Removing again (nothing left) is harmless, and re-enrolment works.
        rules.remove(lab.ns(podA), false);
        assertThat(rules.apply(lab.ns(podA), PodRuleOptions.defaults())).isEqualTo(RuleSync.Action.APPLY);
    }

    @Test
    void C023_hostProbeArrivesFromSnatAddressAndIsNotRedirected() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        HostProbe probe = new HostProbe(lab.runner, lab.ns(lab.node));
        assertThat(probe.ensure(IpFamily.V4)).isEqualTo(RuleSync.Action.APPLY);
        assertThat(probe.ensure(IpFamily.V4)).isEqualTo(RuleSync.Action.NONE);
        probe.addPod(IpFamily.V4, InetAddress.getByName(ip(10)), "uid-a");
        ServerSocketChannel inbound = lab.ztunnelListener(podA, RuleConstants.INBOUND_PLAINTEXT_PORT);
        ServerSocketChannel appA = lab.listen(podA, "0.0.0.0", 8080);

        lab.connect(lab.node, ip(10), 8080);
        SocketChannel probed = lab.track(acceptWithin(appA, WAIT));
        assertThat(probed).as("node probe reaches the app unredirected").isNotNull();
        assertThat(((InetSocketAddress) probed.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.getByName("169.254.7.127"));
        assertThat(acceptWithin(inbound, NOTHING)).isNull();

        // Out of the set, the node's connection is ordinary inbound traffic again.
        probe.removePod(IpFamily.V4, InetAddress.getByName(ip(10)));
        lab.connect(lab.node, ip(10), 8080);
        SocketChannel captured = lab.track(acceptWithin(inbound, WAIT));
        assertThat(captured).isNotNull();
        assertThat(((InetSocketAddress) captured.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.getByName(NetnsLab.NODE_IP));

        probe.removeAll(IpFamily.V4);
        assertThat(probe.state(IpFamily.V4).isEmpty()).isTrue();
        assertThat(lab.runner
                        .run(lab.ns(lab.node), java.util.List.of("ipset", "list", "-n"), null)
                        .stdout())
                .doesNotContain(IpFamily.V4.probeSet());
    }

    @Test
    void C020_ipv6RulesReadBackExactly() throws Exception {
        PodRuleOptions dual = PodRuleOptions.defaults().withIpv6(true);
        rules.apply(lab.ns(podA), dual);
        assertThat(rules.state(lab.ns(podA), IpFamily.V6))
                .isEqualTo(InpodIptables.rules(dual, IpFamily.V6).expectedState());
        assertThat(lab.in(podA, "ip", "-6", "rule", "show")).contains("fwmark 0x111/0xfff lookup 100");
        assertThat(rules.apply(lab.ns(podA), dual)).isEqualTo(RuleSync.Action.NONE);
        rules.remove(lab.ns(podA), true);
        assertThat(lab.in(podA, "ip6tables-save")).doesNotContain("ISTIO");
        assertThat(lab.in(podA, "ip", "-6", "rule", "show")).doesNotContain("fwmark");
    }

    @Test
    void C020_spoofedConnectFromZtunnelToAppReturnsThroughPolicyRouting() throws Exception {
        // ztunnel's 15008/15006 path dials the pod IP with the client's address (netns-notes 2.1): the
        // app's SYN-ACK carries connmark 0x111 and must route back over lo, not out of eth0.
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        ServerSocketChannel appA = lab.listen(podA, "0.0.0.0", 8080);
        SocketOptions opts = SocketOptions.create();
        SocketChannel spoofed = lab.track(lab.executor.call(lab.ns(podA), SocketChannel::open));
        opts.setMark(spoofed, RuleConstants.INPOD_MARK);
        opts.setTransparent(spoofed);
        opts.setFreebind(spoofed);
        spoofed.bind(new InetSocketAddress(ip(12), 0));
        spoofed.socket().connect(new InetSocketAddress(ip(10), 8080), 5000);
        SocketChannel app = lab.track(acceptWithin(appA, WAIT));
        assertThat(app).isNotNull();
        assertThat(((InetSocketAddress) app.getRemoteAddress()).getAddress())
                .as("the app sees the client's address")
                .isEqualTo(InetAddress.getByName(ip(12)));
    }

    @Test
    void C020_dnsOverUdpAndTcpIsRedirectedTo15053() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        SocketFactory ztunnel = lab.ztunnelIn(podA);
        ServerSocketChannel dnsTcp =
                lab.track(ztunnel.listen(new InetSocketAddress("127.0.0.1", RuleConstants.DNS_PORT), 16));
        DatagramChannel dnsUdp = lab.track(lab.executor.call(lab.ns(podA), DatagramChannel::open));
        SocketOptions.create().setMark(dnsUdp, RuleConstants.INPOD_MARK);
        dnsUdp.bind(new InetSocketAddress("127.0.0.1", RuleConstants.DNS_PORT));

        DatagramChannel app = lab.track(lab.executor.call(lab.ns(podA), DatagramChannel::open));
        app.send(ByteBuffer.wrap(new byte[] {42}), new InetSocketAddress(NetnsLab.NODE_IP, 53));
        ByteBuffer query = ByteBuffer.allocate(16);
        dnsUdp.configureBlocking(false);
        InetSocketAddress from = null;
        try (Selector sel = Selector.open()) {
            dnsUdp.register(sel, SelectionKey.OP_READ);
            if (sel.select(WAIT.toMillis()) > 0) {
                from = (InetSocketAddress) dnsUdp.receive(query);
            }
        }
        assertThat(from)
                .as("UDP query to the node's :53 reaches 127.0.0.1:15053")
                .isNotNull();
        assertThat(query.flip().get()).isEqualTo((byte) 42);

        lab.connect(podA, NetnsLab.NODE_IP, 53);
        SocketChannel tcp = lab.track(acceptWithin(dnsTcp, WAIT));
        assertThat(tcp).as("TCP to :53 reaches 15053").isNotNull();
        assertThat(SocketOptions.create().originalDestination(tcp))
                .isEqualTo(new InetSocketAddress(NetnsLab.NODE_IP, 53));
    }
}
