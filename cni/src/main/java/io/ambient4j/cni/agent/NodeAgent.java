package io.ambient4j.cni.agent;

import io.ambient4j.cni.netns.Backend;
import io.ambient4j.cni.netns.CommandRunner;
import io.ambient4j.cni.netns.HostProbe;
import io.ambient4j.cni.netns.InpodRules;
import io.ambient4j.cni.netns.IptablesDetector;
import io.ambient4j.cni.plugin.CniInstaller;
import io.ambient4j.cni.plugin.PluginEventServer;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.ProbeHealing;
import io.ambient4j.cni.zds.PodCache;
import io.ambient4j.cni.zds.ZdsConfig;
import io.ambient4j.cni.zds.ZdsServer;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node agent wired together (style: explicit wiring, no framework): host probe rules, the ZDS
 * server, the data plane, the pod controller, and {@code /healthz} + {@code /readyz} on the health port.
 * Ready once everything above has started.
 */
public final class NodeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeAgent.class.getName());
    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    /** In the run directory (tmpfs): the iptables variant detected in this boot, reused by a restarted agent. */
    static final String IPTABLES_BACKEND_FILE = "iptables-backend";
    /** Below the plugin's own 5 s limit, so the plugin gets the agent's reason rather than a timeout. */
    private static final Duration CNI_ADD_TIMEOUT = Duration.ofMillis(4500);

    private final NetnsExecutor executor;
    private final Netns hostNetns;
    private final ZdsServer zds;
    private final AmbientPodController controller;
    private final WebServer health;
    private final AtomicBoolean ready;
    private PluginEventServer plugin;
    private CniInstaller installer;
    private WebServer metricsServer;
    private HostProbe probe;
    private boolean ipv6;

    private NodeAgent(
            NetnsExecutor executor,
            Netns hostNetns,
            ZdsServer zds,
            AmbientPodController controller,
            WebServer health,
            AtomicBoolean ready) {
        this.executor = executor;
        this.hostNetns = hostNetns;
        this.zds = zds;
        this.controller = controller;
        this.health = health;
        this.ready = ready;
    }

    /** Starts the agent; annotations are written through pods/status. */
    public static NodeAgent start(AgentConfig config, KubernetesClient client) throws IOException {
        return start(config, client, new KubePodAnnotator(client));
    }

    /** Starts the agent with a chosen annotation writer. On failure, whatever started is stopped again. */
    public static NodeAgent start(AgentConfig config, KubernetesClient client, PodAnnotator annotator)
            throws IOException {
        NetnsExecutor executor = NetnsExecutor.start("cni-netns");
        Netns hostNetns = null;
        ZdsServer zds = null;
        try {
            hostNetns = Netns.open(config.hostNetns());
            zds = ZdsServer.create(ZdsConfig.defaults(config.zdsSocket()), new PodCache());
            return wire(config, client, annotator, executor, hostNetns, zds);
        } catch (IOException | RuntimeException e) {
            if (zds != null) {
                zds.close();
            }
            if (hostNetns != null) {
                hostNetns.close();
            }
            executor.close();
            throw e;
        }
    }

    private static NodeAgent wire(
            AgentConfig config,
            KubernetesClient client,
            PodAnnotator annotator,
            NetnsExecutor executor,
            Netns hostNetns,
            ZdsServer zds)
            throws IOException {
        Backend backend = config.nativeNftables() ? Backend.NFTABLES : Backend.IPTABLES;
        CommandRunner runner = new CommandRunner(executor, Duration.ofSeconds(10));
        if (backend == Backend.IPTABLES) {
            // Once, on the host; pods then use the same implementation (ambient-spec §6.2).
            runner = runner.withIptables(IptablesDetector.detect(
                    runner, hostNetns, config.cniAgentRunDir().resolve(IPTABLES_BACKEND_FILE)));
        }
        HostProbe hostProbe = new HostProbe(runner, hostNetns, backend, config.kubeletUid());
        hostProbe.ensure(IpFamily.V4);
        if (config.ipv6()) {
            hostProbe.ensure(IpFamily.V6);
        }
        MeshDataplane dataplane = new MeshDataplane(
                new InpodRules(runner, backend), zds, hostProbe, annotator, config.dnsCapture(), config.ipv6());
        AmbientPodController controller = new AmbientPodController(
                client,
                config.nodeName(),
                new EnrolmentPolicy(
                        config.excludedNamespaces(), config.systemNamespace(), config.enablementSelectors()),
                dataplane,
                new ProcNetnsResolver(config.procRoot(), hostNetns.inode()),
                Duration.ofSeconds(1),
                config.reconcileOnStartup(),
                config::netnsPath);
        controller.healHost(new HostProbeHealer(hostProbe, config.ipv6()), config.hostReconcileInterval());
        AgentMetrics metrics = new AgentMetrics();
        metrics.ztunnelConnections(zds::connectionCount);
        controller.countPodEvents(metrics::reconcileEvent);
        AtomicBoolean ready = new AtomicBoolean();
        AtomicReference<NodeAgent> agentRef = new AtomicReference<>();
        WebServer health = WebServer.builder()
                .port(config.healthPort())
                .routing(r -> r.get("/healthz", (req, res) -> res.send("ok")).get("/readyz", (req, res) -> {
                    if (ready.get() && agentRef.get() != null && agentRef.get().installed()) {
                        res.send("ok");
                    } else {
                        res.status(Status.SERVICE_UNAVAILABLE_503).send("starting");
                    }
                }))
                .build()
                .start();
        WebServer metricsServer = WebServer.builder()
                .port(config.metricsPort())
                .routing(r -> r.get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.render());
                }))
                .build()
                .start();
        NodeAgent agent = new NodeAgent(executor, hostNetns, zds, controller, health, ready);
        agent.metricsServer = metricsServer;
        agent.probe = hostProbe;
        agent.ipv6 = config.ipv6();
        agentRef.set(agent);
        try {
            controller.start();
            // Rebuild the pod set before ztunnel may connect: its first snapshot must list every running pod.
            if (!controller.awaitInitialSync(INITIAL_SYNC)) {
                throw new IOException("pods and namespaces not handled within " + INITIAL_SYNC);
            }
            // Drops entries of pods that left while no agent ran, re-adds missing ones.
            List<ProbeHealing.Action> healed = controller.reconcileHost(Duration.ofSeconds(30));
            if (!healed.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "start-up host probe reconcile: {0}", healed);
            }
            zds.start();
            agent.plugin = PluginEventServer.start(
                    config.pluginEventSocket(),
                    e -> controller.handleCniAdd(e, CNI_ADD_TIMEOUT),
                    metrics::pluginRequest);
            // The plugin goes in only once its socket answers: a pod started from now on is captured or waits.
            agent.installer = new CniInstaller(config.install(), new CniInstaller.Listener() {
                @Override
                public void installed(CniInstaller.Result result) {
                    metrics.installed(result);
                }

                @Override
                public void ready(boolean installed) {
                    metrics.installReady(installed);
                }
            });
            agent.installer.start();
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw e;
        } catch (InterruptedException e) {
            agent.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during start-up", e);
        } catch (ExecutionException | TimeoutException e) {
            agent.close();
            throw new IOException("reconciling the host probe state: " + e, e);
        }
        ready.set(true);
        return agent;
    }

    /**
     * Heals the host probe state now, on the pod worker (tests call this to trigger the periodic reconcile
     * deterministically). Returns the actions that were needed.
     */
    public List<ProbeHealing.Action> reconcileHost() throws InterruptedException, ExecutionException, TimeoutException {
        return controller.reconcileHost(Duration.ofSeconds(30));
    }

    /** The bound metrics port (useful when configured as 0). */
    public int metricsPort() {
        return metricsServer.port();
    }

    /** The bound health port (useful when configured as 0). */
    public int healthPort() {
        return health.port();
    }

    public boolean ready() {
        return ready.get();
    }

    /** Whether the plugin binary and its conflist entry are in place (part of readiness). */
    public boolean installed() {
        return installer != null && installer.ready();
    }

    /** Connected ztunnels. */
    public int ztunnels() {
        return zds.connectionCount();
    }

    /**
     * SIGTERM (ambient-spec §6.7): stops serving, and if the DaemonSet is gone (an uninstall rather than an
     * upgrade or restart) also removes the plugin, its configuration and the host probe rules. Pod rules
     * stay either way: running pods keep working until they are recreated.
     */
    public void shutdown(KubernetesClient client, String namespace) throws IOException {
        boolean upgrade = DaemonSetPresence.stillInstalled(client, namespace);
        stopServing();
        try {
            if (upgrade) {
                LOG.log(System.Logger.Level.INFO, "DaemonSet present: leaving plugin, config and rules in place");
            } else {
                LOG.log(System.Logger.Level.INFO, "DaemonSet gone: uninstalling the plugin and host rules");
                if (installer != null) {
                    installer.uninstall();
                }
                probe.removeAll(IpFamily.V4);
                if (ipv6) {
                    probe.removeAll(IpFamily.V6);
                }
            }
        } finally {
            release();
        }
    }

    /** Stops serving; pod rules, host rules, plugin and config stay in place (a restart must not unmesh pods). */
    @Override
    public void close() throws IOException {
        stopServing();
        release();
    }

    private void stopServing() throws IOException {
        ready.set(false);
        if (installer != null) {
            installer.close();
        }
        if (plugin != null) {
            plugin.close();
        }
        health.stop();
        if (metricsServer != null) {
            metricsServer.stop();
        }
        controller.close();
        zds.close();
    }

    private void release() throws IOException {
        hostNetns.close();
        executor.close();
    }
}
