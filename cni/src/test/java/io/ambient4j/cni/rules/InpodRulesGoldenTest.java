package io.ambient4j.cni.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Generator output against golden files written by hand from ambient-spec §6.2/§6.3. */
class InpodRulesGoldenTest {
    private static final PodRuleOptions DEFAULTS = PodRuleOptions.defaults();

    static Stream<Arguments> iptablesVariants() {
        return Stream.of(
                Arguments.of("C020 default v4", DEFAULTS, IpFamily.V4, "iptables_default_v4.golden"),
                Arguments.of("C020 default v6", DEFAULTS, IpFamily.V6, "iptables_default_v6.golden"),
                Arguments.of(
                        "C022 dns off v4", DEFAULTS.withDnsCapture(false), IpFamily.V4, "iptables_dns_off_v4.golden"),
                Arguments.of(
                        "C022 dns off v6", DEFAULTS.withDnsCapture(false), IpFamily.V6, "iptables_dns_off_v6.golden"),
                Arguments.of(
                        "C021 bypass inbound",
                        DEFAULTS.withBypassInboundCapture(true),
                        IpFamily.V4,
                        "iptables_bypass_inbound_v4.golden"),
                Arguments.of(
                        "C022 virtual interfaces",
                        DEFAULTS.withRerouteInterfaces(List.of("tap0", "kubevirt1")),
                        IpFamily.V4,
                        "iptables_virtual_interfaces_v4.golden"),
                Arguments.of(
                        "C021+C022 combined",
                        new PodRuleOptions(false, true, List.of("tap0"), false),
                        IpFamily.V4,
                        "iptables_bypass_inbound_virtual_interfaces_dns_off_v4.golden"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("iptablesVariants")
    void C020_C021_C022_iptablesRestoreText(String name, PodRuleOptions options, IpFamily family, String golden) {
        assertThat(InpodIptables.rules(options, family).restoreText()).isEqualTo(GoldenFiles.read(golden));
    }

    @Test
    void C020_removalCommands() {
        assertThat(GoldenFiles.lines(InpodIptables.removalCommands(IpFamily.V4)))
                .isEqualTo(GoldenFiles.read("iptables_removal_v4.golden"));
        assertThat(GoldenFiles.lines(InpodIptables.removalCommands(IpFamily.V6)))
                .isEqualTo(GoldenFiles.read("iptables_removal_v6.golden"));
    }

    @Test
    void C020_policyRouting() {
        for (IpFamily f : IpFamily.values()) {
            String text = GoldenFiles.lines(PolicyRouting.addCommands(f)) + "# removal\n"
                    + GoldenFiles.lines(PolicyRouting.removeCommands(f));
            assertThat(text).isEqualTo(GoldenFiles.read("routing_" + f.name().toLowerCase() + ".golden"));
        }
    }

    @Test
    void C023_hostProbeRules() throws Exception {
        assertThat(HostProbeRules.iptables(IpFamily.V4).restoreText())
                .isEqualTo(GoldenFiles.read("hostprobe_v4.golden"));
        assertThat(HostProbeRules.iptables(IpFamily.V6).restoreText())
                .isEqualTo(GoldenFiles.read("hostprobe_v6.golden"));
        assertThat(GoldenFiles.lines(HostProbeRules.removalCommands(IpFamily.V4)))
                .isEqualTo(GoldenFiles.read("hostprobe_removal_v4.golden"));
        String uid = "6f1c2b9e-0000-4000-8000-000000000001";
        InetAddress v4 = InetAddress.getByName("10.244.0.10");
        InetAddress v6 = InetAddress.getByName("fd00:10:244::a");
        assertThat(GoldenFiles.lines(List.of(
                        HostProbeRules.ipsetCreate(IpFamily.V4),
                        HostProbeRules.ipsetAdd(IpFamily.V4, v4, uid),
                        HostProbeRules.ipsetDel(IpFamily.V4, v4))))
                .isEqualTo(GoldenFiles.read("hostprobe_ipset_v4.golden"));
        assertThat(GoldenFiles.lines(List.of(
                        HostProbeRules.ipsetCreate(IpFamily.V6),
                        HostProbeRules.ipsetAdd(IpFamily.V6, v6, uid),
                        HostProbeRules.ipsetDel(IpFamily.V6, v6))))
                .isEqualTo(GoldenFiles.read("hostprobe_ipset_v6.golden"));
    }

    @Test
    void C023_hostProbeRejectsWrongFamilyAndBadUid() throws Exception {
        InetAddress v6 = InetAddress.getByName("fd00::1");
        assertThatThrownBy(() -> HostProbeRules.ipsetAdd(IpFamily.V4, v6, "uid"))
                .isInstanceOf(RuleException.class)
                .satisfies(e -> assertThat(((RuleException) e).reason()).isEqualTo(RuleException.Reason.BAD_ADDRESS));
        assertThatThrownBy(() -> HostProbeRules.ipsetAdd(IpFamily.V4, InetAddress.getByName("10.0.0.1"), "a b"))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("bad pod uid");
    }

    @Test
    void C020_nftablesDefault() {
        assertThat(InpodNftables.rules(DEFAULTS)).isEqualTo(GoldenFiles.read("nft_default_v4.golden"));
    }

    @Test
    void C020_nftablesDualStack() {
        assertThat(InpodNftables.rules(DEFAULTS.withIpv6(true))).isEqualTo(GoldenFiles.read("nft_dual_stack.golden"));
    }

    @Test
    void C021_C022_nftablesCombinedVariant() {
        assertThat(InpodNftables.rules(new PodRuleOptions(false, true, List.of("tap0"), false)))
                .isEqualTo(GoldenFiles.read("nft_bypass_inbound_virtual_interfaces_dns_off.golden"));
        assertThat(GoldenFiles.lines(InpodNftables.removalCommands()))
                .isEqualTo(GoldenFiles.read("nft_removal.golden"));
    }

    @Test
    void C023_nftablesHostProbe() {
        assertThat(HostProbeRules.nft(0, false)).isEqualTo(GoldenFiles.read("nft_hostprobe_v4.golden"));
        assertThat(HostProbeRules.nft(1000, true)).isEqualTo(GoldenFiles.read("nft_hostprobe_dual_stack.golden"));
    }

    @Test
    void C022_virtualInterfaceNamesAreValidated() {
        assertThatThrownBy(() -> DEFAULTS.withRerouteInterfaces(List.of("eth0 -j ACCEPT")))
                .isInstanceOf(RuleException.class)
                .satisfies(e ->
                        assertThat(((RuleException) e).reason()).isEqualTo(RuleException.Reason.BAD_INTERFACE_NAME));
        assertThatThrownBy(() -> DEFAULTS.withRerouteInterfaces(List.of("averyveryverylongname")))
                .isInstanceOf(RuleException.class);
    }
}
