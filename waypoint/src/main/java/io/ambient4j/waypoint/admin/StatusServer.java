package io.ambient4j.waypoint.admin;

import io.ambient4j.waypoint.metrics.WaypointMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The waypoint's two HTTP endpoints, on the ports the waypoint pod template probes and scrapes (ambient-spec §1.3):
 * {@code :15021/healthz/ready} answers 200 only once the certificate is loaded and xDS has synced, and
 * {@code :15020/stats/prometheus} serves the Istio metrics; {@code 127.0.0.1:15000/config_dump} shows what the waypoint
 * holds (localhost only, as Envoy's admin port).
 */
public final class StatusServer implements AutoCloseable {
    static final String STATS = "stats";
    static final String ADMIN = "admin";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final WebServer server;

    private StatusServer(WebServer server) {
        this.server = server;
    }

    /**
     * @param certificateReady whether the waypoint's own certificate is held
     * @param xdsSynced whether every subscribed type answered once
     * @param selfKnown whether the waypoint's own workload is in its xDS state (it serves nothing before: it could not
     *     tell what is bound to it)
     */
    public static StatusServer start(
            int readinessPort,
            int statsPort,
            int adminPort,
            BooleanSupplier certificateReady,
            BooleanSupplier xdsSynced,
            BooleanSupplier selfKnown,
            WaypointMetrics metrics,
            java.util.function.Supplier<String> configDump,
            String istioVersion)
            throws java.io.IOException {
        WebServer server = WebServer.builder()
                .port(readinessPort)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.get("/healthz/ready", (req, res) -> {
                    List<String> pending = new ArrayList<>();
                    if (!certificateReady.getAsBoolean()) {
                        pending.add("certificate");
                    }
                    if (!xdsSynced.getAsBoolean()) {
                        pending.add("xds");
                    } else if (!selfKnown.getAsBoolean()) {
                        pending.add("own workload in xds");
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain");
                    if (pending.isEmpty()) {
                        res.send("ready\n");
                    } else {
                        res.status(Status.SERVICE_UNAVAILABLE_503)
                                .send("not ready, pending: " + String.join(", ", pending) + "\n");
                    }
                }))
                .putSocket(STATS, s -> s.port(statsPort).connectionOptions(o -> o.tcpNoDelay(true)))
                .routing(
                        STATS,
                        (HttpRouting.Builder r) -> r.get("/stats/prometheus", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, PROMETHEUS);
                            res.send(metrics.render() + build(istioVersion));
                        }))
                .putSocket(
                        ADMIN,
                        sock -> sock.host("127.0.0.1").port(adminPort).connectionOptions(o -> o.tcpNoDelay(true)))
                .routing(
                        ADMIN,
                        (HttpRouting.Builder r) -> r.get("/config_dump", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            res.send(configDump.get());
                        }))
                .build()
                .start();
        if (!server.isRunning()) {
            server.stop();
            throw new java.io.IOException("cannot listen on readiness :" + readinessPort + ", stats :" + statsPort
                    + " and admin 127.0.0.1:" + adminPort + " (port in use?)");
        }
        return new StatusServer(server);
    }

    private static String build(String version) {
        return "# HELP istio_build Istio component build info.\n# TYPE istio_build gauge\n"
                + "istio_build{component=\"proxy\",tag=\"" + version + "\"} 1\n";
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
}
