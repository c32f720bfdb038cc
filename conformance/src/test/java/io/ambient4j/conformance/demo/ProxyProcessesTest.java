package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyProcessesTest {
    @Test
    void vmRssFromProcStatus() {
        String status = "Name:\tjava\nUmask:\t0022\nVmPeak:\t 5000000 kB\nVmRSS:\t  200808 kB\nRssAnon:\t  150000 kB\n";
        assertThat(ProxyProcesses.vmRssKb(status)).isEqualTo(200_808);
    }

    @Test
    void noResidentSetIsAnError() {
        assertThatThrownBy(() -> ProxyProcesses.vmRssKb("Name:\tkthreadd\nState:\tS (sleeping)\n"))
                .hasMessageContaining("no VmRSS");
        assertThatThrownBy(() -> ProxyProcesses.vmRssKb("VmRSS:\t12 MB\n")).hasMessageContaining("unexpected VmRSS");
    }

    @Test
    void ownStatusHasAResidentSet() {
        // the real file of this JVM: a live process always has one
        assertThat(ProxyProcesses.vmRssKb(readSelf())).isPositive();
    }

    @Test
    void nodeNameFromEnviron() {
        byte[] env = "PATH=/bin\0NODE_NAME=node-2\0NODE_NAMES=x\0".getBytes(StandardCharsets.UTF_8);
        assertThat(ProxyProcesses.envValue(env, "NODE_NAME")).contains("node-2");
        assertThat(ProxyProcesses.envValue(env, "POD_NAME")).isEmpty();
    }

    private static String readSelf() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
