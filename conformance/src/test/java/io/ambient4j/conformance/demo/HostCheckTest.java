package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.conformance.mesh.MeshException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostCheckTest {
    @Test
    void notRootSaysSoAndWhatToDo() {
        String text = HostCheck.refusal(List.of(new HostCheck.Finding(
                "root and tools",
                false,
                "NOT_ROOT: the local mesh needs root",
                HostCheck.fixFor(MeshException.Reason.NOT_ROOT))));
        assertThat(text)
                .startsWith("demo: this machine cannot run the local mesh; nothing was started.\n")
                .contains("  - root and tools: NOT_ROOT: the local mesh needs root\n")
                .contains("    what to do: run it as root: sudo make demo\n");
    }

    @Test
    void everyFailedKernelFeatureIsListedAndPassingOnesAreNot() {
        List<HostCheck.Finding> f = List.of(
                new HostCheck.Finding("root and tools", true, "uid 0", ""),
                new HostCheck.Finding(
                        "network namespaces",
                        false,
                        "unshare --net failed: Operation not permitted",
                        "use CONFIG_NET_NS"),
                new HostCheck.Finding(
                        "iptables", false, "iptables-save -t nat failed: table does not exist", "modprobe"));
        String text = HostCheck.refusal(f);
        assertThat(text).doesNotContain("root and tools");
        assertThat(text).contains("network namespaces: unshare --net failed").contains("what to do: use CONFIG_NET_NS");
        assertThat(text).contains("iptables: iptables-save -t nat failed").contains("what to do: modprobe");
        assertThat(HostCheck.allOk(f)).isFalse();
    }

    @Test
    void allOkNeedsAtLeastOneFindingAndNoFailure() {
        assertThat(HostCheck.allOk(List.of())).isFalse();
        assertThat(HostCheck.allOk(List.of(new HostCheck.Finding("a", true, "", ""))))
                .isTrue();
    }

    @Test
    void missingToolsPointAtThePackages() {
        assertThat(HostCheck.fixFor(MeshException.Reason.MISSING_TOOL)).contains("apt-get install iproute2 iptables");
    }

    @Test
    void onThisRootMachineEveryCheckPasses() {
        // tests run as root here (netns tests need it); a machine without it must fail this, not skip it
        List<HostCheck.Finding> findings = HostCheck.run();
        assertThat(findings)
                .extracting(HostCheck.Finding::what)
                .containsExactly("root and tools", "network namespaces", "iptables");
        assertThat(HostCheck.allOk(findings)).as(HostCheck.refusal(findings)).isTrue();
    }
}
