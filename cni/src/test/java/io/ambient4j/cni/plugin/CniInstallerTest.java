package io.ambient4j.cni.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Installing the plugin binary and its conflist entry into real directories, and repairing them. */
@Timeout(60)
class CniInstallerTest {
    private static final String PRIMARY = """
            {"cniVersion":"0.4.0","name":"dbnet","plugins":[{"type":"bridge","bridge":"cni0",\
            "ipam":{"type":"host-local","subnet":"10.1.0.0/16","gateway":"10.1.0.1"}},\
            {"type":"tuning","sysctl":{"net.core.somaxconn":"500"}}]}
            """;

    @TempDir
    Path dir;

    private final List<CniInstaller.Result> results = new CopyOnWriteArrayList<>();
    private CniInstaller installer;

    @AfterEach
    void stop() throws Exception {
        if (installer != null) {
            installer.close();
        }
    }

    private CniInstallConfig config(boolean chained, boolean istioOwned) throws Exception {
        return new CniInstallConfig(
                PluginProcess.binary().toAbsolutePath(),
                Files.createDirectories(dir.resolve("bin")),
                Files.createDirectories(dir.resolve("net.d")),
                Optional.empty(),
                chained,
                istioOwned,
                CniInstallConfig.DEFAULT_ISTIO_OWNED_FILE,
                false,
                "debug",
                Path.of("/var/run/istio-cni"),
                true,
                List.of("kube-system"),
                "istio-system",
                false,
                false);
    }

    private CniInstaller installer(CniInstallConfig c) {
        installer = new CniInstaller(c, new CniInstaller.Listener() {
            @Override
            public void installed(CniInstaller.Result result) {
                results.add(result);
            }

            @Override
            public void ready(boolean ready) {}
        });
        return installer;
    }

    private Map<String, Object> read(String file) throws Exception {
        return CniConfigs.parse(file, Files.readAllBytes(dir.resolve("net.d").resolve(file)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> plugins(Map<String, Object> conf) {
        return (List<Map<String, Object>>) conf.get("plugins");
    }

    @Test
    void C032_chainsAsLastPluginCopiesBinaryAndIsIdempotent() throws Exception {
        CniInstallConfig c = config(true, false);
        Files.writeString(c.mountedConfDir().resolve("10-bridge.conflist"), PRIMARY);
        CniInstaller i = installer(c);
        i.pass();
        assertThat(i.ready()).as(i.lastError().orElse("")).isTrue();
        Map<String, Object> conf = read("10-bridge.conflist");
        assertThat(conf).containsEntry("name", "dbnet").containsEntry("cniVersion", "0.4.0");
        assertThat(plugins(conf)).extracting(p -> p.get("type")).containsExactly("bridge", "tuning", "istio-cni");
        // The entry's keys are upstream's (list-with-istio.conflist.golden).
        assertThat(plugins(conf).getLast())
                .containsOnlyKeys(
                        "ambient_enabled",
                        "cni_agent_run_dir",
                        "dns",
                        "enable_ambient_detection_retry",
                        "enablement_selectors",
                        "exclude_namespaces",
                        "ipam",
                        "name",
                        "native_nftables",
                        "plugin_log_level",
                        "pod_namespace",
                        "type")
                .containsEntry("cni_agent_run_dir", "/var/run/istio-cni")
                .containsEntry("pod_namespace", "istio-system")
                .containsEntry("exclude_namespaces", List.of("kube-system"));
        assertThat(Files.mismatch(c.pluginSource(), c.installedBinary())).isEqualTo(-1);
        assertThat(Files.isExecutable(c.installedBinary())).isTrue();
        assertThat(results).containsExactly(CniInstaller.Result.SUCCESS);

        byte[] before = Files.readAllBytes(c.mountedConfDir().resolve("10-bridge.conflist"));
        i.pass();
        assertThat(Files.readAllBytes(c.mountedConfDir().resolve("10-bridge.conflist")))
                .isEqualTo(before);
        assertThat(results).as("nothing rewritten").hasSize(1);
        assertThat(Files.list(c.mountedConfDir())).as("no temporary files left").hasSize(1);
    }

    @Test
    void C032_singlePluginConfBecomesAConflist() throws Exception {
        CniInstallConfig c = config(true, false);
        Files.writeString(
                c.mountedConfDir().resolve("10-flannel.conf"),
                "{\"cniVersion\":\"0.3.1\",\"name\":\"cbr0\",\"type\":\"flannel\",\"delegate\":{\"isDefaultGateway\":true}}");
        Files.setPosixFilePermissions(
                c.mountedConfDir().resolve("10-flannel.conf"), PosixFilePermissions.fromString("rw-r--r--"));
        installer(c).pass();
        assertThat(Files.exists(c.mountedConfDir().resolve("10-flannel.conf"))).isFalse();
        Map<String, Object> conf = read("10-flannel.conflist");
        assertThat(conf).containsEntry("name", "k8s-pod-network").containsEntry("cniVersion", "0.3.1");
        assertThat(plugins(conf)).extracting(p -> p.get("type")).containsExactly("flannel", "istio-cni");
        assertThat(plugins(conf).getFirst()).doesNotContainKey("cniVersion").containsKey("delegate");
        assertThat(Files.getPosixFilePermissions(c.mountedConfDir().resolve("10-flannel.conflist")))
                .as("the primary's file mode is kept")
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void C032_halfWrittenConflistIsReportedAndLeftAloneUntilItIsComplete() throws Exception {
        CniInstallConfig c = config(true, false);
        Path file = c.mountedConfDir().resolve("10-bridge.conflist");
        String half = PRIMARY.substring(0, PRIMARY.length() / 2);
        Files.writeString(file, half);
        CniInstaller i = installer(c);
        i.start();
        assertThat(i.ready()).isFalse();
        assertThat(i.lastError()).get().asString().contains("INVALID_JSON").contains("10-bridge.conflist");
        assertThat(Files.readString(file)).as("not clobbered").isEqualTo(half);
        assertThat(results).containsExactly(CniInstaller.Result.CREATE_CNI_CONFIG_FAILURE);

        Files.writeString(file, PRIMARY);
        await().atMost(Duration.ofSeconds(20)).until(i::ready);
        assertThat(plugins(read("10-bridge.conflist")))
                .extracting(p -> p.get("type"))
                .containsExactly("bridge", "tuning", "istio-cni");
    }

    @Test
    void C032_reinstallsWhenEditedAwayRemovedOrBinaryDeleted() throws Exception {
        CniInstallConfig c = config(true, false);
        Path file = c.mountedConfDir().resolve("10-bridge.conflist");
        Files.writeString(file, PRIMARY);
        CniInstaller i = installer(c);
        i.start();
        assertThat(i.ready()).isTrue();

        Files.writeString(file, PRIMARY); // the primary CNI rewrote its file without us
        await().atMost(Duration.ofSeconds(20))
                .until(() -> plugins(read("10-bridge.conflist")).size() == 3);

        Files.delete(c.installedBinary());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isExecutable(c.installedBinary()));

        Files.delete(file);
        await().atMost(Duration.ofSeconds(20)).until(() -> !i.ready());
        assertThat(i.lastError()).get().asString().contains("NO_PRIMARY_CONFIG");
        assertThat(Files.list(c.mountedConfDir()))
                .as("never writes a chain of its own")
                .isEmpty();
        Files.writeString(file, PRIMARY);
        await().atMost(Duration.ofSeconds(20)).until(i::ready);
        assertThat(plugins(read("10-bridge.conflist"))).hasSize(3);
    }

    @Test
    void istioOwnedAndStandaloneWriteTheirOwnFile() throws Exception {
        CniInstallConfig owned = config(true, true);
        Files.writeString(owned.mountedConfDir().resolve("10-bridge.conflist"), PRIMARY);
        installer(owned).pass();
        assertThat(Files.readString(owned.mountedConfDir().resolve("10-bridge.conflist")))
                .as("primary untouched")
                .isEqualTo(PRIMARY);
        assertThat(plugins(read("02-istio-cni.conflist")))
                .extracting(p -> p.get("type"))
                .containsExactly("bridge", "tuning", "istio-cni");
        installer.close();

        Files.delete(owned.mountedConfDir().resolve("10-bridge.conflist"));
        Files.delete(owned.mountedConfDir().resolve("02-istio-cni.conflist"));
        installer(config(false, false)).pass();
        assertThat(read("YYY-istio-cni.conf"))
                .containsEntry("type", "istio-cni")
                .containsEntry("cniVersion", "0.3.1");
    }

    @Test
    void C030_uninstallRemovesOnlyWhatIsOurs() throws Exception {
        CniInstallConfig c = config(true, false);
        Files.writeString(c.mountedConfDir().resolve("10-bridge.conflist"), PRIMARY);
        CniInstaller i = installer(c);
        i.pass();
        i.uninstall();
        assertThat(Files.exists(c.installedBinary())).isFalse();
        assertThat(plugins(read("10-bridge.conflist")))
                .extracting(p -> p.get("type"))
                .containsExactly("bridge", "tuning");
    }

    @Test
    void chooseFollowsTheRuntimesOrder() {
        assertThat(CniConfigs.choose(
                        List.of("05-a.conf", "10-b.conflist", "x.json"), Optional.empty(), "02-istio-cni.conflist"))
                .contains("05-a.conf");
        assertThat(CniConfigs.choose(
                        List.of("02-istio-cni.conflist", "10-b.conflist"), Optional.empty(), "02-istio-cni.conflist"))
                .contains("10-b.conflist");
        assertThat(CniConfigs.choose(List.of("10-b.conflist"), Optional.of("10-b.conf"), "02-istio-cni.conflist"))
                .contains("10-b.conflist");
        assertThat(CniConfigs.choose(List.of("10-b.conflist"), Optional.of("99-x.conflist"), "02-istio-cni.conflist"))
                .isEmpty();
    }
}
