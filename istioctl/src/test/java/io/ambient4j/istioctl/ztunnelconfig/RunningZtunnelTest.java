package io.ambient4j.istioctl.ztunnelconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.workload.GatewayAddress;
import io.ambient4j.api.workload.NamespacedHostname;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.api.workload.Service;
import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.api.workload.WorkloadStatus;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.istioctl.Run;
import io.ambient4j.ztunnel.admin.AdminServer;
import io.ambient4j.ztunnel.admin.CertificateSource;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.inpod.InpodState;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * C131 against a running ztunnel: the real ztunnel admin server on an ephemeral loopback port, fed by a real
 * {@link StateUpdater} holding workloads, services and policies converted from their xDS protobufs, and by a real
 * {@link CertManager} whose CA client signs CSRs with a real mesh CA. {@code istioctl ztunnel-config} must show
 * exactly what was loaded.
 */
@Timeout(60)
class RunningZtunnelTest {
    private static final SpiffeId PRODUCTPAGE = new SpiffeId("cluster.local", "bookinfo", "bookinfo-productpage");

    private final StateUpdater state = new StateUpdater();
    private InpodState inpod;
    private CertManager certs;
    private MeshCa ca;
    private AdminServer admin;
    private String address;

    private static ByteString ip(String literal) {
        try {
            return ByteString.copyFrom(InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Workload pod(String ns, String name, String ip, String node, boolean healthy) {
        return Workload.newBuilder()
                .setUid("Kubernetes//Pod/" + ns + "/" + name)
                .setName(name)
                .setNamespace(ns)
                .addAddresses(ip(ip))
                .setTunnelProtocol(TunnelProtocol.HBONE)
                .setServiceAccount(name.replaceAll("-v1.*", ""))
                .setNode(node)
                .setStatus(healthy ? WorkloadStatus.HEALTHY : WorkloadStatus.UNHEALTHY)
                .setClusterId("Kubernetes")
                .build();
    }

    private static Workload member(Workload w, String serviceHost) {
        return w.toBuilder()
                .putServices(
                        w.getNamespace() + "/" + serviceHost,
                        PortList.newBuilder()
                                .addPorts(Port.newBuilder().setServicePort(9080).setTargetPort(9080))
                                .build())
                .build();
    }

    private static Service service(String ns, String name, String vip) {
        return Service.newBuilder()
                .setName(name)
                .setNamespace(ns)
                .setHostname(name + "." + ns + ".svc.cluster.local")
                .addAddresses(NetworkAddress.newBuilder().setAddress(ip(vip)))
                .addPorts(Port.newBuilder().setServicePort(9080).setTargetPort(9080))
                .build();
    }

    private static GatewayAddress waypoint() {
        return GatewayAddress.newBuilder()
                .setHostname(NamespacedHostname.newBuilder()
                        .setNamespace("bookinfo")
                        .setHostname("waypoint.bookinfo.svc.cluster.local"))
                .setHboneMtlsPort(15008)
                .build();
    }

    private static Authorization policy(String ns, String name, Scope scope, Action action) {
        return Authorization.newBuilder()
                .setNamespace(ns)
                .setName(name)
                .setScope(scope)
                .setAction(action)
                .build();
    }

    @BeforeEach
    void startZtunnelAdmin() throws Exception {
        Workload productpage = member(
                pod("bookinfo", "productpage-v1-7c", "10.244.1.7", "worker-1", true).toBuilder()
                        .setWaypoint(waypoint())
                        .build(),
                "productpage.bookinfo.svc.cluster.local");
        Workload details = member(
                pod("bookinfo", "details-v1-5f", "10.244.2.9", "worker-2", false),
                "details.bookinfo.svc.cluster.local");
        Workload waypointPod = member(
                pod("bookinfo", "waypoint-6d", "10.244.1.8", "worker-1", true).toBuilder()
                        .setTunnelProtocol(TunnelProtocol.NONE)
                        .build(),
                "waypoint.bookinfo.svc.cluster.local");
        Workload istiod = pod("istio-system", "istiod-8b", "10.244.0.5", "control-plane", true).toBuilder()
                .setTunnelProtocol(TunnelProtocol.NONE)
                .build();
        Service productpageSvc = service("bookinfo", "productpage", "10.96.10.1").toBuilder()
                .setWaypoint(waypoint())
                .build();
        state.apply(StateDelta.ofAddresses(
                List.of(
                        ProtoConversion.workload(productpage.getUid(), productpage),
                        ProtoConversion.workload(details.getUid(), details),
                        ProtoConversion.workload(waypointPod.getUid(), waypointPod),
                        ProtoConversion.workload(istiod.getUid(), istiod),
                        ProtoConversion.service("bookinfo/productpage.bookinfo.svc.cluster.local", productpageSvc),
                        ProtoConversion.service(
                                "bookinfo/details.bookinfo.svc.cluster.local",
                                service("bookinfo", "details", "10.96.10.2")),
                        ProtoConversion.service(
                                "bookinfo/waypoint.bookinfo.svc.cluster.local",
                                service("bookinfo", "waypoint", "10.96.20.2"))),
                List.of()));
        state.apply(StateDelta.ofPolicies(
                List.of(
                        ProtoConversion.authorization(
                                "bookinfo/allow-productpage",
                                policy("bookinfo", "allow-productpage", Scope.NAMESPACE, Action.ALLOW)),
                        ProtoConversion.authorization(
                                "istio-system/deny-all",
                                policy("istio-system", "deny-all", Scope.GLOBAL, Action.DENY))),
                List.of()));

        ca = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(10));
        certs = CertManager.create(id -> {
            Csr.KeyAndCsr k = Csr.create(id);
            X509Certificate leaf = ca.signCsr(k.csrPem(), id, Duration.ofHours(1));
            return new WorkloadCertificate(new CertifiedKey(k.key(), ca.chainFor(leaf)), ca.roots());
        });
        certs.get(PRODUCTPAGE, Duration.ofSeconds(20));

        inpod = new InpodState(
                (pod, ns) -> {
                    throw new IllegalStateException("no pod is started in this test");
                },
                (ns, n) -> "cluster.local",
                Duration.ofSeconds(1));
        CertificateSource certSource = () -> certs.identities().stream()
                .map(id -> certs.current(id)
                        .map(c -> CertificateSource.CertsDump.available(
                                id.uri(), c.certifiedKey().chain(), c.roots()))
                        .orElse(new CertificateSource.CertsDump(id.uri(), "Initializing", List.of(), List.of())))
                .toList();
        admin = AdminServer.start(
                new AdminServer.Sources(
                        Config.fromEnv(Map.of()),
                        () -> true,
                        inpod::status,
                        state::current,
                        new TcpMetrics(),
                        certSource,
                        "1.28.0",
                        () -> {}),
                new AdminServer.Ports(0, 0, 0));
        address = "127.0.0.1:" + admin.adminPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (admin != null) {
            admin.close();
        }
        if (inpod != null) {
            inpod.shutdown();
        }
        if (certs != null) {
            certs.close();
        }
    }

    @Test
    void C131_workloadsFromRunningZtunnel() {
        Run run = Run.of(null, "ztunnel-config", "workloads", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("""
                        NAMESPACE        POD NAME              ADDRESS        NODE              WAYPOINT     PROTOCOL
                        bookinfo         details-v1-5f         10.244.2.9     worker-2          None         HBONE
                        bookinfo         productpage-v1-7c     10.244.1.7     worker-1          waypoint     HBONE
                        bookinfo         waypoint-6d           10.244.1.8     worker-1          None         TCP
                        istio-system     istiod-8b             10.244.0.5     control-plane     None         TCP
                        """);
    }

    @Test
    void C131_servicesFromRunningZtunnel() {
        Run run = Run.of(null, "ztunnel-config", "services", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("""
                        NAMESPACE     SERVICE NAME     SERVICE VIP     WAYPOINT     ENDPOINTS
                        bookinfo      details          10.96.10.2      None         0/1
                        bookinfo      productpage      10.96.10.1      waypoint     1/1
                        bookinfo      waypoint         10.96.20.2      None         1/1
                        """);
    }

    @Test
    void C131_policiesFromRunningZtunnel() {
        Run run = Run.of(null, "ztunnel-config", "policies", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("""
                        NAMESPACE        POLICY NAME           ACTION     SCOPE
                        bookinfo         allow-productpage     Allow      Namespace
                        istio-system     deny-all              Deny       Global
                        """);
    }

    @Test
    void C131_certificatesFromRunningZtunnel() {
        WorkloadCertificate issued = certs.current(PRODUCTPAGE).orElseThrow();
        X509Certificate leaf = issued.certifiedKey().chain().getFirst();
        X509Certificate root = issued.roots().getFirst();
        Run run = Run.of(null, "ztunnel-config", "certificates", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("CERTIFICATE NAME");
        assertThat(lines.get(1).split("\\s+"))
                .containsExactly(
                        PRODUCTPAGE.uri(),
                        "Leaf",
                        "Available",
                        "true",
                        leaf.getSerialNumber().toString(16),
                        leaf.getNotAfter().toInstant().toString(),
                        leaf.getNotBefore().toInstant().toString());
        assertThat(lines.getLast().split("\\s+"))
                .containsExactly(
                        PRODUCTPAGE.uri(),
                        "Root",
                        "Available",
                        "true",
                        root.getSerialNumber().toString(16),
                        root.getNotAfter().toInstant().toString(),
                        root.getNotBefore().toInstant().toString());
    }
}
