package io.ambient4j.conformance.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec-based CNI hook against real executables (shell scripts standing in for a plugin binary). */
class ExecCniHookTest {
    private static final CniRequest REQ = new CniRequest(
            "a4j-uid-1",
            "/var/run/netns/a4j-ns-p",
            "eth0",
            "ns",
            "p",
            "uid-1",
            "10.244.1.10",
            24,
            "10.244.1.1",
            "node-1");

    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void environmentFollowsTheCniSpec() {
        Map<String, String> env = ExecCniHook.environment("ADD", REQ, Path.of("/opt/cni/bin"));
        assertThat(env)
                .containsEntry("CNI_COMMAND", "ADD")
                .containsEntry("CNI_CONTAINERID", "a4j-uid-1")
                .containsEntry("CNI_NETNS", "/var/run/netns/a4j-ns-p")
                .containsEntry("CNI_IFNAME", "eth0")
                .containsEntry("CNI_PATH", "/opt/cni/bin");
        assertThat(env.get("CNI_ARGS"))
                .contains(
                        "K8S_POD_NAMESPACE=ns",
                        "K8S_POD_NAME=p",
                        "K8S_POD_UID=uid-1",
                        "K8S_POD_INFRA_CONTAINER_ID=a4j-uid-1");
    }

    @Test
    void C008_pluginReceivesEnvAndChainedConfigOnStdin() throws IOException {
        Path out = dir.resolve("seen");
        Path plugin = script("istio-cni", "env | grep ^CNI_ > " + out + ".env\ncat > " + out + ".json\nexit 0\n");
        new ExecCniHook(plugin, "\"kubernetes\": {\"kubeconfig\": \"/k\"}", Duration.ofSeconds(5)).add(REQ);
        assertThat(Files.readString(Path.of(out + ".env")))
                .contains("CNI_COMMAND=ADD", "CNI_NETNS=/var/run/netns/a4j-ns-p");
        String json = Files.readString(Path.of(out + ".json"));
        assertThat(json)
                .startsWith("{\"cniVersion\":\"1.0.0\"")
                .contains("\"type\":\"istio-cni\"", "\"kubernetes\": {\"kubeconfig\": \"/k\"}")
                .contains(
                        "\"prevResult\":{",
                        "\"address\":\"10.244.1.10/24\"",
                        "\"sandbox\":\"/var/run/netns/a4j-ns-p\"");
    }

    @Test
    void C018_aFailingPluginFailsTheAddWithItsCniError() throws IOException {
        Path plugin =
                script("bad", "echo '{\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"agent unreachable\"}'\nexit 1\n");
        assertThatThrownBy(() -> new ExecCniHook(plugin, "", Duration.ofSeconds(5)).add(REQ))
                .isInstanceOf(CniException.class)
                .hasMessageContaining("agent unreachable")
                .satisfies(e -> assertThat(((CniException) e).code()).isEqualTo(999));
        // DEL is best effort: a failure is logged, not thrown
        new ExecCniHook(plugin, "", Duration.ofSeconds(5)).del(REQ);
    }

    @Test
    void quotingEscapesJson() {
        assertThat(ExecCniHook.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }
}
