package io.ambient4j.conformance.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.net.RequireRoot;
import io.ambient4j.conformance.mesh.Manifests;
import io.ambient4j.conformance.mesh.MeshConfig;
import io.ambient4j.conformance.mesh.MeshHarness;
import io.ambient4j.conformance.mesh.Sh;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet runs the CNI hook as a runtime would: after the pod's interface exists and before the pod
 * is Running, and a failing plugin keeps the pod from starting (C018). The plugin is a real executable.
 */
class CniHookInKubeletTest {
    @TempDir
    Path dir;

    @Test
    void C018_cniAddRunsBeforeRunningAndAFailureKeepsThePodPending() throws Exception {
        RequireRoot.check();
        Path log = dir.resolve("calls");
        Path plugin = dir.resolve("istio-cni");
        // Records each call; sees the pod's eth0 address inside CNI_NETNS; refuses pods named blocked*.
        Files.writeString(plugin, """
                #!/bin/bash
                name=$(echo "$CNI_ARGS" | tr ';' '\\n' | sed -n 's/^K8S_POD_NAME=//p')
                addr=$(ip -n "$(basename "$CNI_NETNS")" -4 -o addr show dev "$CNI_IFNAME" | awk '{print $4}')
                echo "$CNI_COMMAND $name $addr" >> %s
                cat > /dev/null
                case "$name" in blocked*) echo '{"cniVersion":"1.0.0","code":999,"msg":"agent says no"}'; exit 1;; esac
                exit 0
                """.formatted(log));
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        String prefix = "a4k"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(0, 6);
        MeshConfig config = MeshConfig.defaults(prefix).withCni(new ExecCniHook(plugin, "", Duration.ofSeconds(10)));
        try (MeshHarness mesh = MeshHarness.start(config)) {
            var client = mesh.client();
            Manifests.apply(client, """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: fine, namespace: default}
                    spec: {containers: [{name: app, image: echo, ports: [{name: http, containerPort: 8080}]}]}
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: blocked, namespace: default}
                    spec: {containers: [{name: app, image: echo}]}
                    """);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                Pod p = client.pods().inNamespace("default").withName("fine").get();
                return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
            });
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                Pod b = client.pods().inNamespace("default").withName("blocked").get();
                assertThat(b.getStatus()).isNotNull();
                assertThat(b.getStatus().getPhase()).isEqualTo("Pending");
                assertThat(b.getStatus().getReason()).isEqualTo("FailedCreatePodSandBox");
                assertThat(b.getStatus().getMessage()).contains("agent says no");
            });
            Pod fine = client.pods().inNamespace("default").withName("fine").get();
            assertThat(Files.readString(log))
                    .contains("ADD fine " + fine.getStatus().getPodIP() + "/24")
                    .contains("ADD blocked ");
            assertThat(Path.of("/var/run/netns", prefix + "-default-blocked")).doesNotExist();
            assertThat(mesh.kubelet().realised("default", "blocked")).isEmpty();
            client.pods().inNamespace("default").withName("fine").delete();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Files.readString(log)).contains("DEL fine"));
            // the hook logs DEL before the kubelet deletes the namespace: wait for that too
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Sh.exec(java.util.List.of("ip", "netns", "list"), null)
                                    .stdout())
                            .doesNotContain(prefix + "-default-fine"));
        }
    }
}
