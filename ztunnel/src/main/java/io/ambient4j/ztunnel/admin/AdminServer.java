package io.ambient4j.ztunnel.admin;

import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.inpod.InpodStatus;
import io.ambient4j.ztunnel.inpod.ProxyStatus;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.state.ProxyState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * ztunnel's three HTTP endpoints on three listeners of the JDK's HTTP server (ambient-spec §1.1): readiness on
 * {@code :15021/healthz/ready} (wildcard), Prometheus text on {@code :15020/metrics} and
 * {@code /stats/prometheus} (wildcard), and the admin API on {@code 127.0.0.1:15000} ({@code /config_dump},
 * {@code /quitquitquit}, {@code /logging}), localhost only because it reveals the node's whole mesh view and
 * can stop the process. The JDK's server (see {@link HttpListeners}) instead of Helidon's WebServer: these are a few
 * plain HTTP/1.1 GETs and POSTs a minute, and Helidon's server cost an idle ztunnel ~380 loaded classes, 7 jars and
 * ~3 MB of RSS (bench/RESULTS.md).
 */
public final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    public static final int READINESS_PORT = 15021;
    public static final int STATS_PORT = 15020;
    public static final int ADMIN_PORT = 15000;
    static final String ADMIN = "admin";
    static final String STATS = "stats";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    /** What the endpoints read; every supplier returns an immutable value. */
    public record Sources(
            Config config,
            BooleanSupplier xdsSynced,
            Supplier<InpodStatus> inpod,
            Supplier<ProxyState> state,
            TcpMetrics tcpMetrics,
            DnsMetrics dnsMetrics,
            CertificateSource certificates,
            String istioVersion,
            Runnable shutdown) {

        /** Without a DNS proxy (its families then render empty). */
        public Sources(
                Config config,
                BooleanSupplier xdsSynced,
                Supplier<InpodStatus> inpod,
                Supplier<ProxyState> state,
                TcpMetrics tcpMetrics,
                CertificateSource certificates,
                String istioVersion,
                Runnable shutdown) {
            this(config, xdsSynced, inpod, state, tcpMetrics, new DnsMetrics(), certificates, istioVersion, shutdown);
        }
    }

    /** Listener ports; 0 picks a free port (tests). */
    public record Ports(int readiness, int stats, int admin) {
        public static final Ports DEFAULT = new Ports(READINESS_PORT, STATS_PORT, ADMIN_PORT);
    }

    private final HttpListeners listeners;
    private final int readinessPort;
    private final int statsPort;
    private final int adminPort;

    private AdminServer(HttpListeners listeners, int readinessPort, int statsPort, int adminPort) {
        this.listeners = listeners;
        this.readinessPort = readinessPort;
        this.statsPort = statsPort;
        this.adminPort = adminPort;
    }

    /** Binds all three listeners and starts serving; fails (and closes what it bound) when a port is taken. */
    public static AdminServer start(Sources sources, Ports ports) throws AdminServerException {
        Endpoints e = new Endpoints(sources);
        HttpListeners listeners = new HttpListeners();
        try {
            int readiness = listeners.listen(
                    "readiness", HttpListeners.WILDCARD, ports.readiness(), Map.of("/healthz/ready", get(e::ready)));
            int stats = listeners.listen(
                    STATS,
                    HttpListeners.WILDCARD,
                    ports.stats(),
                    Map.of("/metrics", get(e::metrics), "/stats/prometheus", get(e::metrics)));
            int admin = listeners.listen(
                    ADMIN,
                    HttpListeners.LOOPBACK,
                    ports.admin(),
                    Map.of(
                            "/config_dump",
                            get(e::configDump),
                            "/quitquitquit",
                            e::quit,
                            "/logging",
                            e::logging,
                            "/",
                            get(e::home)));
            return new AdminServer(listeners, readiness, stats, admin);
        } catch (IOException ex) {
            listeners.close();
            throw new AdminServerException(
                    AdminServerException.Reason.BIND_FAILED,
                    "cannot listen on readiness :" + ports.readiness() + ", stats :" + ports.stats()
                            + " and admin 127.0.0.1:" + ports.admin() + " (a port is in use?): " + ex.getMessage());
        }
    }

    /** A GET-only route: any other method is answered like an unknown path, as the Helidon routing did. */
    private static HttpListeners.Handler get(HttpListeners.Handler handler) {
        return req -> req.method().equals("GET") ? handler.handle(req) : HttpListeners.Reply.NOT_FOUND;
    }

    public int readinessPort() {
        return readinessPort;
    }

    public int statsPort() {
        return statsPort;
    }

    public int adminPort() {
        return adminPort;
    }

    /** Stops all three listeners, closes their connections and ends the handler threads. */
    @Override
    public void close() {
        listeners.close();
    }

    /** The handlers; each reads the sources afresh per request. */
    static final class Endpoints {
        private final Sources s;

        Endpoints(Sources s) {
            this.s = s;
        }

        /** What still blocks readiness, in upstream's task words; empty = ready. */
        List<String> pending() {
            List<String> pending = new ArrayList<>();
            InpodStatus inpod = s.inpod().get();
            if (!inpod.ready()) {
                pending.add("workload proxy manager");
            }
            if (!s.xdsSynced().getAsBoolean()) {
                pending.add("xds client");
            }
            return pending;
        }

        HttpListeners.Reply ready(HttpListeners.Request req) {
            List<String> pending = pending();
            return pending.isEmpty()
                    ? HttpListeners.Reply.text(200, "ready\n")
                    : HttpListeners.Reply.text(500, "not ready, pending: " + String.join(", ", pending) + "\n");
        }

        HttpListeners.Reply metrics(HttpListeners.Request req) {
            boolean openMetrics = req.header("Accept")
                    .map(a -> a.contains("application/openmetrics-text"))
                    .orElse(false);
            return new HttpListeners.Reply(
                    200,
                    openMetrics ? OPENMETRICS : PROMETHEUS,
                    StatsText.render(s.tcpMetrics(), s.dnsMetrics(), s.inpod().get(), s.istioVersion()));
        }

        HttpListeners.Reply configDump(HttpListeners.Request req) {
            return new HttpListeners.Reply(200, "application/json", Json.write(dump()));
        }

        Map<String, Object> dump() {
            ProxyState state = s.state().get();
            Map<String, Object> dump = new TreeMap<>();
            dump.put("workloads", state.workloads());
            dump.put("services", state.services());
            dump.put("policies", state.policies());
            dump.put("stagedServices", Map.of());
            dump.put("staticConfig", Map.of("workloads", List.of(), "services", List.of(), "policies", List.of()));
            dump.put("config", s.config());
            dump.put(
                    "version",
                    Map.of(
                            "version",
                            s.istioVersion(),
                            "istioVersion",
                            s.istioVersion(),
                            "runtime",
                            "java " + Runtime.version()));
            dump.put(
                    "certificates",
                    s.certificates().certificates().stream()
                            .sorted(Comparator.comparing(CertificateSource.CertsDump::identity))
                            .toList());
            Map<String, Object> workloadState = new TreeMap<>();
            for (ProxyStatus p : s.inpod().get().proxies()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("state", p.state());
                entry.put(
                        "info",
                        Map.of("name", p.name(), "namespace", p.namespace(), "serviceAccount", p.serviceAccount()));
                workloadState.put(p.uid(), entry);
            }
            dump.put("workloadState", workloadState);
            return dump;
        }

        HttpListeners.Reply quit(HttpListeners.Request req) {
            if (!req.method().equals("POST")) {
                return new HttpListeners.Reply(405, null, "");
            }
            LOG.log(Level.INFO, "shutdown requested on /quitquitquit");
            // Started once the reply is on the wire, so the caller sees it before the listeners close.
            return HttpListeners.Reply.text(200, "shutdown now\n")
                    .andThen(() -> Thread.ofVirtual().name("quitquitquit").start(s.shutdown()));
        }

        HttpListeners.Reply logging(HttpListeners.Request req) {
            if (!req.method().equals("POST")) {
                return HttpListeners.Reply.text(405, "Invalid HTTP method\n");
            }
            var level = req.queryParam("level");
            if (level.isPresent() && !level.get().isEmpty()) {
                try {
                    LogLevels.apply(level.get());
                } catch (IllegalArgumentException ex) {
                    return HttpListeners.Reply.text(400, "Invalid level provided: " + level.get() + "\n");
                }
            }
            return HttpListeners.Reply.text(200, "current log level is " + LogLevels.current() + "\n");
        }

        HttpListeners.Reply home(HttpListeners.Request req) {
            return HttpListeners.Reply.text(200, "ztunnel admin: /config_dump /quitquitquit (POST) /logging (POST)\n");
        }
    }
}
