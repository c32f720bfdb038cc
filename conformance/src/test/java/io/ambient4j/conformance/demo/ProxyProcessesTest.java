package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
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

    @Test
    void C093_aWaypointChildIsFoundByItsMainClassAndPodAndIsGoneAfterItStops() throws Exception {
        // a child whose command line carries the waypoint's main class (as bash's $0) and the pod name the kubelet
        // gives a waypoint pod; it is this JVM's child, as the supervisor's processes are the demo's
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "sleep 60; :", ProxyProcesses.WAYPOINT_MAIN);
        pb.environment().put("POD_NAME", "waypoint-abc12-xyz");
        Process p = pb.start();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> ProxyProcesses.waypoints().stream().anyMatch(w -> w.pid() == p.pid()));
            ProxyProcesses.Waypoint w = ProxyProcesses.waypoints().stream()
                    .filter(x -> x.pid() == p.pid())
                    .findFirst()
                    .orElseThrow();
            assertThat(w.pod()).isEqualTo("waypoint-abc12-xyz");
            assertThat(w.rssKb()).isPositive();
            assertThat(ProxyProcesses.pids()).contains(p.pid());
            assertThat(ProxyProcesses.ztunnels()).noneMatch(z -> z.pid() == p.pid());
            assertThat(Teardown.leftovers("a4jtest-none", List.of(p.pid()))).contains("process " + p.pid());
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(ProxyProcesses.waypoints()).noneMatch(w -> w.pid() == p.pid());
        assertThat(Teardown.leftovers("a4jtest-none", List.of(p.pid()))).doesNotContain("process " + p.pid());
    }

    private static String readSelf() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
