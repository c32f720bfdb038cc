package io.ambient4j.waypoint;

import io.ambient4j.common.lifecycle.CloseStack;
import io.ambient4j.common.lifecycle.ShutdownOnce;
import io.ambient4j.waypoint.admin.ConfigDump;
import io.ambient4j.waypoint.admin.StatusServer;
import io.ambient4j.waypoint.config.WaypointConfig;
import io.ambient4j.waypoint.metrics.WaypointMetrics;
import io.ambient4j.waypoint.proxy.WaypointListener;
import io.ambient4j.waypoint.state.WaypointState;
import io.ambient4j.waypoint.xds.WaypointApplier;
import io.ambient4j.waypoint.xds.WaypointTypeUrls;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.identity.GrpcCaClient;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.xds.IstiodChannel;
import io.ambient4j.ztunnel.xds.XdsChannels;
import io.ambient4j.ztunnel.xds.XdsClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * One running waypoint, wired explicitly: config → certificate manager (own identity from istiod's CA) → xDS client
 * (Address, L7Policy, HttpRoute into {@link WaypointState}) → HBONE listener → status server. {@link #shutdown()} is
 * the SIGTERM path: stop accepting, drain tunnels until the deadline, then close.
 */
public final class Waypoint {
    private static final System.Logger LOG = System.getLogger(Waypoint.class.getName());
    /** The Istio release whose protocols this build speaks. */
    public static final String ISTIO_VERSION = "1.28.0";

    private final WaypointConfig cfg;
    private final WaypointState state = new WaypointState();
    private final WaypointMetrics metrics = new WaypointMetrics();
    private final CloseStack closeLast = new CloseStack(LOG);
    private final ShutdownOnce shutdownOnce = new ShutdownOnce();
    private CertManager certs;
    private XdsClient xds;
    private WaypointListener listener;
    private StatusServer status;

    private Waypoint(WaypointConfig cfg) {
        this.cfg = cfg;
    }

    /** Starts every component; closes what started if one fails. */
    public static Waypoint start(WaypointConfig cfg) throws IOException {
        Waypoint w = new Waypoint(cfg);
        try {
            w.wire();
            return w;
        } catch (IOException | RuntimeException e) {
            w.shutdown();
            throw e;
        }
    }

    private void wire() throws IOException {
        IstiodChannel caChannel = XdsChannels.build(
                cfg.caAddress(), cfg.caRootCa(), Optional.empty(), cfg.token(), cfg.clusterId(), Map.of());
        GrpcCaClient ca = new GrpcCaClient(caChannel, cfg.identity(), cfg.secretTtl());
        closeLast.push(ca);
        certs = CertManager.create(ca);
        closeLast.push(certs);
        certs.prefetch(cfg.identity());
        IstiodChannel xdsChannel = XdsChannels.build(
                cfg.xdsAddress(), cfg.xdsRootCa(), Optional.empty(), cfg.token(), cfg.clusterId(), Map.of());
        xds = new XdsClient(
                        xdsChannel.channel(), XdsNodes.waypoint(cfg), WaypointTypeUrls.ALL, new WaypointApplier(state))
                .owning(xdsChannel);
        closeLast.push(xds);
        xds.start();
        listener = WaypointListener.start(
                new InetSocketAddress(cfg.listenAddress(), cfg.hbonePort()),
                certs,
                cfg.identity(),
                state,
                metrics,
                cfg.network(),
                cfg.instanceIp(),
                cfg.upstreamHbonePort());
        status = StatusServer.start(
                cfg.readinessPort(),
                cfg.statsPort(),
                cfg.adminPort(),
                () -> certs.current(cfg.identity()).isPresent(),
                xds::isSynced,
                () -> state.snapshot()
                        .mesh()
                        .workloadByAddress(new NetworkAddress(cfg.network(), cfg.instanceIp()))
                        .isPresent(),
                metrics,
                () -> ConfigDump.render(
                        state.snapshot(),
                        cfg.identity().uri(),
                        certs.current(cfg.identity()).map(c -> c.notAfter().toString()),
                        xds.isSynced()),
                ISTIO_VERSION);
        LOG.log(
                Level.INFO,
                "waypoint {0} started: HBONE :{1}, readiness :{2}, stats :{3}, xDS {4}, CA {5}",
                cfg.identity(),
                listener.port(),
                status.readinessPort(),
                status.statsPort(),
                cfg.xdsAddress(),
                cfg.caAddress());
    }

    public WaypointState state() {
        return state;
    }

    public WaypointMetrics metrics() {
        return metrics;
    }

    public int hbonePort() {
        return listener.port();
    }

    public int statsPort() {
        return status.statsPort();
    }

    public int adminPort() {
        return status.adminPort();
    }

    public int readinessPort() {
        return status.readinessPort();
    }

    public XdsClient xds() {
        return xds;
    }

    public void awaitStopped() throws InterruptedException {
        shutdownOnce.awaitStopped();
    }

    /** SIGTERM: stop accepting, let tunnels finish until the drain deadline, then close everything. Idempotent. */
    public void shutdown() {
        shutdownOnce.run(() -> {
            if (listener != null) {
                LOG.log(Level.INFO, "draining for up to {0}", cfg.drainDeadline());
                int cut = listener.drain(cfg.drainDeadline());
                LOG.log(Level.INFO, "drained; {0} connection(s) closed at the deadline", cut);
                listener.close();
            }
            if (status != null) {
                status.close();
            }
            closeLast.closeAll();
        });
    }
}
