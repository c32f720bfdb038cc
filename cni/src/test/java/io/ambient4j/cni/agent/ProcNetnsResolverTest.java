package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.net.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProcNetnsResolverTest {
    private static final String UID = "6f1c2b9e-1234-4abc-8def-0123456789ab";

    static Stream<Arguments> cgroups() {
        return Stream.of(
                Arguments.of("cgroupfs v1", "11:memory:/kubepods/besteffort/pod" + UID + "/abc123\n", Optional.of(UID)),
                Arguments.of(
                        "systemd v2",
                        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID.replace('-', '_')
                                + ".slice/cri-containerd-abc.scope\n",
                        Optional.of(UID)),
                Arguments.of("host process", "0::/system.slice/containerd.service\n", Optional.empty()),
                Arguments.of("malformed uid", "0::/kubepods/podnot-a-uid/x\n", Optional.empty()),
                Arguments.of("empty", "", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cgroups")
    void podUidFromCgroup(String name, String text, Optional<String> uid) {
        assertThat(PodCgroups.podUid(text)).isEqualTo(uid);
    }

    @Test
    void findsThePodsNetnsAndSkipsHostNamespaceProcesses(@TempDir Path proc) throws Exception {
        // pid 100 belongs to the pod but shares the "host" namespace; pid 200 belongs to the pod with its own.
        Path self = Path.of("/proc/self/ns/net");
        long selfInode = Netns.inodeOf(self);
        write(proc, "100", "0::/kubepods/pod" + UID + "/c1\n", self);
        write(proc, "200", "0::/kubepods/pod" + UID + "/c2\n", self);
        write(proc, "300", "0::/kubepods/pod00000000-0000-0000-0000-000000000000/c\n", self);
        PodView pod = new PodView(UID, "p", "ns", Map.of(), Map.of(), false, "Running", List.of());

        Optional<Netns> found = new ProcNetnsResolver(proc, 1).open(pod);
        assertThat(found).isPresent();
        try (Netns ns = found.get()) {
            assertThat(ns.inode()).isEqualTo(selfInode);
        }
        assertThat(new ProcNetnsResolver(proc, selfInode).open(pod))
                .as("host namespace never returned")
                .isEmpty();
    }

    private static void write(Path proc, String pid, String cgroup, Path netns) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(pid).resolve("ns"));
        Files.writeString(proc.resolve(pid).resolve("cgroup"), cgroup);
        Files.createSymbolicLink(dir.resolve("net"), netns);
    }
}
