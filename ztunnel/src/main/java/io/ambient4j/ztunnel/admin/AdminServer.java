package io.ambient4j.ztunnel.admin;

import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.inpod.InpodStatus;
import io.ambient4j.ztunnel.inpod.ProxyStatus;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.state.ProxyState;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
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
 * ztunnel's three HTTP endpoints on one Helidon server with three listeners (ambient-spec §1.1): readiness on
 * {@code :15021/healthz/ready} (wildcard), Prometheus text on {@code :15020/metrics} and
 * {@code /stats/prometheus} (wildcard), and the admin API on {@code 127.0.0.1:15000} ({@code /config_dump},
 * {@code /quitquitquit}, {@code /logging}), localhost only because it reveals the node's whole mesh view and
 * can stop the process.
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

    private final WebServer server;

    private AdminServer(WebServer server) {
        this.server = server;
    }

    /** Binds all three listeners and starts serving; fails when a port is taken. */
    public static AdminServer start(Sources sources, Ports ports) throws AdminServerException {
        Endpoints e = new Endpoints(sources);
        WebServer server = WebServer.builder()
                .port(ports.readiness())
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.get("/healthz/ready", e::ready))
                .putSocket(STATS, s -> s.port(ports.stats()).connectionOptions(o -> o.tcpNoDelay(true)))
                .routing(
                        STATS,
                        (HttpRouting.Builder r) -> r.get("/metrics", e::metrics).get("/stats/prometheus", e::metrics))
                .putSocket(
                        ADMIN, s -> s.host("127.0.0.1").port(ports.admin()).connectionOptions(o -> o.tcpNoDelay(true)))
                .routing(
                        ADMIN,
                        (HttpRouting.Builder r) -> r.get("/config_dump", e::configDump)
                                .any("/quitquitquit", e::quit)
                                .any("/logging", e::logging)
                                .get("/", e::home))
                .build()
                .start();
        // Helidon logs a failed bind and stops instead of throwing: turn that into a start failure.
        if (!server.isRunning()) {
            server.stop();
            throw new AdminServerException(
                    AdminServerException.Reason.BIND_FAILED,
                    "cannot listen on readiness :" + ports.readiness() + ", stats :" + ports.stats()
                            + " and admin 127.0.0.1:" + ports.admin() + " (a port is in use?)");
        }
        return new AdminServer(server);
    }

    public int readinessPort() {
        return server.port();
    }

    public int statsPort() {
        return server.port(STATS);
    }

    public int adminPort() {
        return server.port(ADMIN);
    }

    @Override
    public void close() {
        server.stop();
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

        void ready(ServerRequest req, ServerResponse res) {
            List<String> pending = pending();
            res.header(HeaderNames.CONTENT_TYPE, "text/plain");
            if (pending.isEmpty()) {
                res.send("ready\n");
            } else {
                res.status(Status.INTERNAL_SERVER_ERROR_500)
                        .send("not ready, pending: " + String.join(", ", pending) + "\n");
            }
        }

        void metrics(ServerRequest req, ServerResponse res) {
            boolean openMetrics = req.headers()
                    .first(HeaderNames.ACCEPT)
                    .map(a -> a.contains("application/openmetrics-text"))
                    .orElse(false);
            res.header(HeaderNames.CONTENT_TYPE, openMetrics ? OPENMETRICS : PROMETHEUS);
            res.send(StatsText.render(s.tcpMetrics(), s.dnsMetrics(), s.inpod().get(), s.istioVersion()));
        }

        void configDump(ServerRequest req, ServerResponse res) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.write(dump()));
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

        void quit(ServerRequest req, ServerResponse res) {
            if (!req.prologue().method().text().equals("POST")) {
                res.status(Status.METHOD_NOT_ALLOWED_405).send();
                return;
            }
            LOG.log(Level.INFO, "shutdown requested on /quitquitquit");
            res.header(HeaderNames.CONTENT_TYPE, "text/plain").send("shutdown now\n");
            Thread.ofVirtual().name("quitquitquit").start(s.shutdown());
        }

        void logging(ServerRequest req, ServerResponse res) {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain");
            if (!req.prologue().method().text().equals("POST")) {
                res.status(Status.METHOD_NOT_ALLOWED_405).send("Invalid HTTP method\n");
                return;
            }
            var level = req.query().first("level");
            if (level.isPresent() && !level.get().isEmpty()) {
                try {
                    LogLevels.apply(level.get());
                } catch (IllegalArgumentException ex) {
                    res.status(Status.BAD_REQUEST_400).send("Invalid level provided: " + level.get() + "\n");
                    return;
                }
            }
            res.send("current log level is " + LogLevels.current() + "\n");
        }

        void home(ServerRequest req, ServerResponse res) {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain")
                    .send("ztunnel admin: /config_dump /quitquitquit (POST) /logging (POST)\n");
        }
    }
}
