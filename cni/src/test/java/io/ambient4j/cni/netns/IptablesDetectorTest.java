package io.ambient4j.cni.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.rules.IptablesVariant;
import io.ambient4j.cni.rules.PodRuleOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Detection on a "host" namespace and the in-pod rules then written with that implementation (root). */
@Timeout(60)
class IptablesDetectorTest {
    private NetnsLab lab;

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void C020_legacyWhenTheHostUsesItElseNftAndPodRulesFollow() throws Exception {
        lab = new NetnsLab();
        assertThat(IptablesDetector.detect(lab.runner, lab.ns(lab.node))).isEqualTo(IptablesVariant.NFT);
        assertThat(lab.in(lab.node, "iptables-legacy-save"))
                .as("probe rule removed again")
                .doesNotContain("-p 255");

        // kube-proxy in legacy mode: its chains make the host a legacy host.
        lab.in(lab.node, "iptables-legacy", "-t", "nat", "-N", "KUBE-SERVICES");
        lab.in(lab.node, "iptables-legacy", "-t", "nat", "-A", "PREROUTING", "-j", "KUBE-SERVICES");
        IptablesVariant v = IptablesDetector.detect(lab.runner, lab.ns(lab.node));
        assertThat(v).isEqualTo(IptablesVariant.LEGACY);

        String pod = lab.pod("a", 10);
        InpodRules rules = new InpodRules(lab.runner.withIptables(v), Backend.IPTABLES);
        rules.apply(lab.ns(pod), PodRuleOptions.defaults().withIpv6(false));
        assertThat(lab.in(pod, "iptables-legacy-save", "-t", "nat")).contains("-j REDIRECT --to-ports 15001");
        assertThat(lab.in(pod, "iptables-nft-save", "-t", "nat")).doesNotContain("ISTIO_OUTPUT");
        rules.remove(lab.ns(pod), false);
        assertThat(lab.in(pod, "iptables-legacy-save")).doesNotContain("ISTIO");
    }

    @Test
    void C032_aRestartedAgentKeepsTheVariantItChoseInsteadOfProbingAgain() throws Exception {
        lab = new NetnsLab();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cni-run");
        java.nio.file.Path state = dir.resolve("iptables-backend");
        try {
            assertThat(IptablesDetector.detect(lab.runner, lab.ns(lab.node), state))
                    .isEqualTo(IptablesVariant.NFT);
            assertThat(state).content().isEqualToIgnoringNewLines("NFT");
            // the first probe left legacy's empty nat table behind: a fresh probe now takes it for a legacy host
            assertThat(IptablesDetector.detect(lab.runner, lab.ns(lab.node))).isEqualTo(IptablesVariant.LEGACY);
            // a restarted agent in the same boot reuses its first choice
            assertThat(IptablesDetector.detect(lab.runner, lab.ns(lab.node), state))
                    .isEqualTo(IptablesVariant.NFT);
            // a stale or unreadable record is ignored and replaced
            java.nio.file.Files.writeString(state, "SOMETHING\n");
            IptablesVariant fresh = IptablesDetector.detect(lab.runner, lab.ns(lab.node), state);
            assertThat(state).content().isEqualToIgnoringNewLines(fresh.name());
        } finally {
            java.nio.file.Files.deleteIfExists(state);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }
}
