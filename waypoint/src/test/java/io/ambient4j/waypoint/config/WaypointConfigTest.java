package io.ambient4j.waypoint.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up configuration: istiod's waypoint Deployment environment, pilot-agent's arguments, clear errors. */
class WaypointConfigTest {
    static Map<String, String> deploymentEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("POD_NAME", "waypoint-7d9f-abc");
        env.put("POD_NAMESPACE", "app");
        env.put("INSTANCE_IP", "10.244.1.7");
        env.put("SERVICE_ACCOUNT", "waypoint");
        env.put("CA_ADDR", "istiod.istio-system.svc:15012");
        env.put("ISTIO_META_CLUSTER_ID", "Kubernetes");
        env.put("TRUST_DOMAIN", "cluster.local");
        env.put("ISTIO_META_WORKLOAD_NAME", "waypoint");
        return env;
    }

    @Test
    void defaultsFromTheDeploymentEnvironment() throws Exception {
        WaypointConfig c = WaypointConfig.fromEnv(deploymentEnv());
        assertThat(c.identity().uri()).isEqualTo("spiffe://cluster.local/ns/app/sa/waypoint");
        assertThat(c.xdsAddress()).isEqualTo(URI.create("https://istiod.istio-system.svc:15012"));
        assertThat(c.caAddress()).isEqualTo(URI.create("https://istiod.istio-system.svc:15012"));
        assertThat(c.token()).isEqualTo(Path.of("/var/run/secrets/tokens/istio-token"));
        assertThat(c.xdsRootCa()).isEqualTo("/var/run/secrets/istio/root-cert.pem");
        assertThat(c.hbonePort()).isEqualTo(15008);
        assertThat(c.upstreamHbonePort()).isEqualTo(15008);
        assertThat(c.statsPort()).isEqualTo(15020);
        assertThat(c.readinessPort()).isEqualTo(15021);
        assertThat(c.drainDeadline()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void overridesForTheLocalMesh() throws Exception {
        Map<String, String> env = deploymentEnv();
        env.put("PILOT_DISCOVERY_ADDRESS", "127.0.0.1:15012");
        env.put("XDS_ROOT_CA", "/tmp/root.pem");
        env.put("AUTH_TOKEN", "/tmp/token");
        env.put("WAYPOINT_LISTEN_ADDRESS", "10.244.1.7");
        env.put("TERMINATION_DRAIN_DURATION", "1m30s");
        WaypointConfig c = WaypointConfig.fromEnv(env);
        assertThat(c.xdsAddress()).isEqualTo(URI.create("https://127.0.0.1:15012"));
        assertThat(c.caRootCa()).isEqualTo("/tmp/root.pem");
        assertThat(c.token()).isEqualTo(Path.of("/tmp/token"));
        assertThat(c.drainDeadline()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void discoveryAddressFromProxyConfig() throws Exception {
        Map<String, String> env = deploymentEnv();
        env.put("PROXY_CONFIG", "{\"discoveryAddress\":\"istiod-canary.istio-system.svc:15012\",\"x\":1}");
        assertThat(WaypointConfig.fromEnv(env).xdsAddress().getHost()).isEqualTo("istiod-canary.istio-system.svc");
    }

    @Test
    void missingAndInvalidValuesAreNamed() {
        Map<String, String> noNs = deploymentEnv();
        noNs.remove("POD_NAMESPACE");
        assertThatThrownBy(() -> WaypointConfig.fromEnv(noNs))
                .isInstanceOf(ConfigException.class)
                .hasMessage("POD_NAMESPACE is not set");
        Map<String, String> badIp = deploymentEnv();
        badIp.put("INSTANCE_IP", "not-an-ip");
        assertThatThrownBy(() -> WaypointConfig.fromEnv(badIp)).hasMessageContaining("INSTANCE_IP=not-an-ip");
        Map<String, String> badPort = deploymentEnv();
        badPort.put("WAYPOINT_HBONE_PORT", "70000");
        assertThatThrownBy(() -> WaypointConfig.fromEnv(badPort)).hasMessageContaining("WAYPOINT_HBONE_PORT");
        Map<String, String> badDuration = deploymentEnv();
        badDuration.put("TERMINATION_DRAIN_DURATION", "5 seconds");
        assertThatThrownBy(() -> WaypointConfig.fromEnv(badDuration))
                .hasMessageContaining("TERMINATION_DRAIN_DURATION");
        Map<String, String> badCa = deploymentEnv();
        badCa.put("CA_ADDR", "istiod");
        assertThatThrownBy(() -> WaypointConfig.fromEnv(badCa)).hasMessageContaining("CA_ADDR=istiod");
    }

    @Test
    void pilotAgentArgumentsAreAcceptedAndOthersRejected() throws Exception {
        WaypointConfig.checkArgs(List.of(
                "proxy",
                "waypoint",
                "--domain",
                "app.svc.cluster.local",
                "--serviceCluster",
                "waypoint.app",
                "--proxyLogLevel",
                "warning",
                "--proxyComponentLogLevel",
                "misc:error",
                "--log_output_level",
                "default:info"));
        WaypointConfig.checkArgs(List.of());
        assertThatThrownBy(() -> WaypointConfig.checkArgs(List.of("proxy", "waypoint", "--bogus", "x")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.reason()).isEqualTo(ConfigException.Reason.UNKNOWN_ARGUMENT))
                .hasMessageContaining("--bogus");
        assertThatThrownBy(() -> WaypointConfig.checkArgs(List.of("serve"))).hasMessageContaining("serve");
        // the image is named proxyv2 as upstream's, which upstream also starts as a sidecar or a gateway
        assertThatThrownBy(() -> WaypointConfig.checkArgs(List.of("proxy", "sidecar", "--domain", "x")))
                .hasMessageContaining("waypoints only");
        assertThatThrownBy(() -> WaypointConfig.checkArgs(List.of("proxy", "router")))
                .hasMessageContaining("waypoints only");
    }
}
