package io.ambient4j.cni.netns;

import static io.ambient4j.cni.netns.NetnsLab.acceptWithin;
import static io.ambient4j.cni.netns.NetnsLab.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.agent.HostProbeHealer;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.PodRuleOptions;
import io.ambient4j.cni.rules.ProbeHealing;
import io.ambient4j.cni.rules.RuleConstants;
import io.ambient4j.common.net.SocketOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The native nftables backend in real namespaces (root only; {@code nft} must be installed). */
@Timeout(120)
class NftablesRedirectionTest {
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
        rules = new InpodRules(lab.runner, Backend.NFTABLES);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void C020_nftRulesApplyIdempotentlyRedirectAndRemove() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        String tables = lab.in(podA, "nft", "list", "tables");
        assertThat(tables)
                .contains("table inet istio-ambient-nat")
                .contains("table inet istio-ambient-mangle")
                .contains("table inet istio-ambient-raw");
        String listing = lab.in(podA, "nft", "list", "ruleset");
        assertThat(listing).contains("type route hook output priority mangle").contains("redirect to :15001");
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        assertThat(lab.in(podA, "nft", "list", "ruleset"))
                .as("re-apply changes nothing")
                .isEqualTo(listing);
        assertThat(lab.in(podA, "iptables-save")).as("backends never mixed").doesNotContain("ISTIO");

        ServerSocketChannel outbound = lab.ztunnelListener(podA, RuleConstants.OUTBOUND_PORT);
        ServerSocketChannel inbound = lab.ztunnelListener(podA, RuleConstants.INBOUND_PLAINTEXT_PORT);
        ServerSocketChannel hbone = lab.ztunnelListener(podA, RuleConstants.HBONE_PORT);
        lab.listen(podB, "0.0.0.0", 8080);

        lab.connect(podA, ip(11), 8080);
        SocketChannel out = lab.track(acceptWithin(outbound, WAIT));
        assertThat(out).isNotNull();
        assertThat(SocketOptions.create().originalDestination(out)).isEqualTo(new InetSocketAddress(ip(11), 8080));

        lab.connect(podC, ip(10), 9090);
        SocketChannel in = lab.track(acceptWithin(inbound, WAIT));
        assertThat(in).isNotNull();
        assertThat(SocketOptions.create().originalDestination(in)).isEqualTo(new InetSocketAddress(ip(10), 9090));

        lab.connect(podC, ip(10), RuleConstants.HBONE_PORT);
        assertThat(lab.track(acceptWithin(hbone, WAIT))).isNotNull();
        assertThat(acceptWithin(inbound, NOTHING)).isNull();

        rules.remove(lab.ns(podA), false);
        assertThat(lab.in(podA, "nft", "list", "tables")).doesNotContain("istio-ambient");
        assertThat(lab.in(podA, "ip", "-4", "rule", "show")).doesNotContain("fwmark");
    }

    @Test
    void C021_nftChangedVariantReplacesTables() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        rules.apply(
                lab.ns(podA), PodRuleOptions.defaults().withDnsCapture(false).withBypassInboundCapture(true));
        String listing = lab.in(podA, "nft", "list", "ruleset");
        assertThat(listing).doesNotContain("redirect to :15006").doesNotContain("redirect to :15053");
        assertThat(lab.in(podA, "nft", "list", "tables"))
                .as("no DNS conntrack zoning left from the earlier variant")
                .doesNotContain("istio-ambient-raw")
                .contains("istio-ambient-mangle");
        rules.remove(lab.ns(podA), false);
        assertThat(lab.in(podA, "nft", "list", "tables")).doesNotContain("istio-ambient");
    }

    @Test
    void C023_nftHostProbeSnatsByUid() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        // The test runs as uid 0, which stands in for the kubelet's uid here.
        HostProbe probe = new HostProbe(lab.runner, lab.ns(lab.node), Backend.NFTABLES, 0);
        probe.ensure(IpFamily.V4);
        probe.ensure(IpFamily.V4);
        probe.addPod(IpFamily.V4, InetAddress.getByName(ip(10)), "uid-a");
        ServerSocketChannel inbound = lab.ztunnelListener(podA, RuleConstants.INBOUND_PLAINTEXT_PORT);
        ServerSocketChannel appA = lab.listen(podA, "0.0.0.0", 8080);

        lab.connect(lab.node, ip(10), 8080);
        SocketChannel probed = lab.track(acceptWithin(appA, WAIT));
        assertThat(probed).isNotNull();
        assertThat(((InetSocketAddress) probed.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.getByName("169.254.7.127"));
        assertThat(acceptWithin(inbound, NOTHING)).isNull();

        probe.removePod(IpFamily.V4, InetAddress.getByName(ip(10)));
        lab.connect(lab.node, ip(10), 8080);
        assertThat(lab.track(acceptWithin(inbound, WAIT))).isNotNull();
        probe.removeAll(IpFamily.V4);
        assertThat(lab.in(lab.node, "nft", "list", "tables")).doesNotContain("istio-ambient-nat");
    }

    @Test
    void C023_nftHostProbeStateHeals() throws Exception {
        rules.apply(lab.ns(podA), PodRuleOptions.defaults());
        HostProbe probe = new HostProbe(lab.runner, lab.ns(lab.node), Backend.NFTABLES, 0);
        HostProbeHealer healer = new HostProbeHealer(probe, false);
        Map<String, List<String>> enrolled = Map.of("uid-a", List.of(ip(10)));
        InetAddress a = InetAddress.getByName(ip(10));
        ServerSocketChannel inbound = lab.ztunnelListener(podA, RuleConstants.INBOUND_PLAINTEXT_PORT);
        ServerSocketChannel appA = lab.listen(podA, "0.0.0.0", 8080);
        String table = RuleConstants.NFT_NAT;
        String set = IpFamily.V4.probeSet();

        assertThat(healer.reconcile(enrolled))
                .as("nothing there yet")
                .containsExactly(
                        new ProbeHealing.Action.EnsureSetAndRules(), new ProbeHealing.Action.AddMember(a, "uid-a"));
        assertProbed(appA);
        assertThat(healer.reconcile(enrolled)).isEmpty();

        lab.in(lab.node, "nft", "flush", "set", "inet", table, set);
        lab.in(lab.node, "nft", "add", "element", "inet", table, set, "{ " + ip(99) + " }");
        assertThat(lab.track(acceptWithin(inboundAfterConnect(inbound), WAIT))).isNotNull();
        assertThat(healer.reconcile(enrolled))
                .containsExactly(
                        new ProbeHealing.Action.AddMember(a, "uid-a"),
                        new ProbeHealing.Action.RemoveMember(InetAddress.getByName(ip(99))));
        assertProbed(appA);

        lab.in(lab.node, "nft", "flush", "chain", "inet", table, "postrouting");
        assertThat(lab.track(acceptWithin(inboundAfterConnect(inbound), WAIT))).isNotNull();
        assertThat(healer.reconcile(enrolled)).containsExactly(new ProbeHealing.Action.EnsureSetAndRules());
        assertProbed(appA);

        lab.in(lab.node, "nft", "delete", "table", "inet", table);
        assertThat(lab.track(acceptWithin(inboundAfterConnect(inbound), WAIT))).isNotNull();
        assertThat(healer.reconcile(enrolled))
                .containsExactly(
                        new ProbeHealing.Action.EnsureSetAndRules(), new ProbeHealing.Action.AddMember(a, "uid-a"));
        assertProbed(appA);
        probe.removeAll(IpFamily.V4);
    }

    private ServerSocketChannel inboundAfterConnect(ServerSocketChannel inbound) throws Exception {
        lab.connect(lab.node, ip(10), 8080);
        return inbound;
    }

    private void assertProbed(ServerSocketChannel app) throws Exception {
        lab.connect(lab.node, ip(10), 8080);
        SocketChannel probed = lab.track(acceptWithin(app, WAIT));
        assertThat(probed)
                .as("node connection reaches the app from the probe address")
                .isNotNull();
        assertThat(((InetSocketAddress) probed.getRemoteAddress()).getAddress())
                .isEqualTo(InetAddress.getByName("169.254.7.127"));
    }
}
