package io.ambient4j.ztunnel;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.lifecycle.CloseStack;
import io.ambient4j.common.lifecycle.ShutdownOnce;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.ztunnel.admin.AdminServer;
import io.ambient4j.ztunnel.admin.CertificateSource;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.dns.DnsProxies;
import io.ambient4j.ztunnel.dns.ResolvConf;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.identity.GrpcCaClient;
import io.ambient4j.ztunnel.inpod.InpodState;
import io.ambient4j.ztunnel.inpod.ProxyStarter;
import io.ambient4j.ztunnel.inpod.ZdsClient;
import io.ambient4j.ztunnel.memory.IdleTrimPolicy;
import io.ambient4j.ztunnel.memory.IdleTrimmer;
import io.ambient4j.ztunnel.metrics.AccessLog;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.proxy.DestinationLookup;
import io.ambient4j.ztunnel.proxy.ProxySettings;
import io.ambient4j.ztunnel.proxy.WorkloadProxies;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.xds.XdsClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One running node ztunnel, wired explicitly (style: no reflection): config → xDS client → state → certificate
 * manager and data path → ZDS client (in-pod proxies) → admin servers. {@link #shutdown()} is the SIGTERM path:
 * pods' listeners stop accepting at once, open connections run until the drain deadline, then everything closes.
 */
public final class Ztunnel {
    private static final System.Logger LOG = System.getLogger(Ztunnel.class.getName());
    /** The Istio release whose wire protocols this build speaks ({@code istio_build} tag). */
    public static final String ISTIO_VERSION = "1.28.0";

    private final CloseStack closeLast = new CloseStack(LOG);
    private final ShutdownOnce shutdownOnce = new ShutdownOnce();
    private ZdsClient zds;
    private InpodState inpod;
    private AdminServer admin;

    private Ztunnel() {}

    /** Starts every component; fails fast (and closes what started) when one cannot start. */
    public static Ztunnel start(Config cfg, AdminServer.Ports ports) throws IOException {
        Ztunnel z = new Ztunnel();
        try {
            z.wire(cfg, ports);
            return z;
        } catch (IOException | RuntimeException e) {
            z.shutdown();
            throw e;
        }
    }

    private void wire(Config cfg, AdminServer.Ports ports) throws IOException {
        // Config.fromEnv defaults PACKET_MARK in shared mode; only a dedicated proxy may lack one.
        int mark = cfg.packetMark().orElse(io.ambient4j.ztunnel.config.Defaults.PACKET_MARK);
        StateUpdater state = new StateUpdater();
        XdsClient xds = XdsClient.create(cfg, state);
        closeLast.push(xds);
        GrpcCaClient ca = GrpcCaClient.create(cfg);
        closeLast.push(ca);
        CertManager certs = CertManager.create(ca);
        closeLast.push(certs);
        TcpMetrics tcp = new TcpMetrics();
        DnsMetrics dnsMetrics = new DnsMetrics();
        Optional<DnsProxies> dns = Optional.empty();
        if (cfg.dnsProxy()) {
            ResolvConf upstream = readResolvConf(cfg);
            dns = Optional.of(new DnsProxies(DnsProxies.settings(cfg, upstream), dnsMetrics, state::current));
            LOG.log(
                    Level.INFO,
                    "DNS proxy on {0} in each pod, forwarding to {1} (from {2})",
                    cfg.dnsProxyAddr(),
                    upstream.nameservers(),
                    cfg.resolvConf());
        }
        ConnectionTelemetry telemetry = new ConnectionTelemetry(tcp, new AccessLog(cfg.logFormat()));
        WorkloadProxies proxies =
                new WorkloadProxies(state, certs, telemetry, ProxySettings.from(cfg), DestinationLookup.kernel(), dns);
        closeLast.push(proxies);
        NetnsExecutor netns = NetnsExecutor.start("inpod-netns");
        closeLast.push(netns);
        ZdsClient.verifyCapabilities(netns, mark);
        xds.start();
        inpod = new InpodState(
                ProxyStarter.inNetns(netns, mark, proxies),
                trustDomains(state, cfg.trustDomain()),
                cfg.connectionTerminationDeadline());
        zds = ZdsClient.create(cfg.inpodUds(), inpod);
        zds.start();
        admin = AdminServer.start(
                new AdminServer.Sources(
                        cfg,
                        xds::isSynced,
                        inpod::status,
                        state::current,
                        tcp,
                        dnsMetrics,
                        certificates(certs),
                        ISTIO_VERSION,
                        () -> System.exit(0)),
                ports);
        // the heap a burst of connections grew goes back to the node once it is idle again
        closeLast.push(IdleTrimmer.start(IdleTrimPolicy.DEFAULT, telemetry::activity));
        LOG.log(
                Level.INFO,
                "ztunnel started: readiness :{0}, stats :{1}, admin 127.0.0.1:{2}, ZDS {3}",
                admin.readinessPort(),
                admin.statsPort(),
                admin.adminPort(),
                cfg.inpodUds());
    }

    /** The upstream resolvers, read once; without them the DNS proxy could not forward, so start-up fails. */
    private static ResolvConf readResolvConf(Config cfg) throws IOException {
        try {
            return ResolvConf.read(cfg.resolvConf());
        } catch (IOException e) {
            throw new IOException(
                    "DNS proxy: cannot read " + cfg.resolvConf() + " (set ISTIO_META_DNS_CAPTURE=false to run without"
                            + " it): " + e.getMessage(),
                    e);
        }
    }

    /** A pod's trust domain is its xDS workload's; the node's until xDS knows the pod. */
    static BiFunction<String, String, String> trustDomains(StateUpdater state, String fallback) {
        return (namespace, name) -> state.current().workloads().stream()
                .filter(w -> w.namespace().equals(namespace) && w.name().equals(name))
                .map(Workload::trustDomain)
                .filter(td -> !td.isEmpty())
                .findFirst()
                .orElse(fallback);
    }

    /** The certificate manager as {@code /config_dump} shows it. */
    static CertificateSource certificates(CertManager certs) {
        return () -> certs.identities().stream()
                .map((SpiffeId id) -> certs.current(id)
                        .map(c -> CertificateSource.CertsDump.available(
                                id.uri(), c.certifiedKey().chain(), c.roots()))
                        .orElse(new CertificateSource.CertsDump(id.uri(), "Initializing", List.of(), List.of())))
                .toList();
    }

    /** The in-pod state (readiness and tests). */
    public InpodState inpod() {
        return inpod;
    }

    /** Waits until {@link #shutdown()} completed. */
    public void awaitStopped() throws InterruptedException {
        shutdownOnce.awaitStopped();
    }

    /**
     * SIGTERM: stop taking ZDS messages, stop accepting on every pod listener at once, let open connections
     * run until the drain deadline, close them, then close the servers and clients. Idempotent.
     */
    public void shutdown() {
        shutdownOnce.run(() -> {
            LOG.log(Level.INFO, "shutting down: listeners close now, connections drain");
            if (zds != null) {
                zds.close();
            }
            if (inpod != null) {
                inpod.shutdown();
            }
            if (admin != null) {
                admin.close();
            }
            closeLast.closeAll();
        });
    }
}
