package io.ambient4j.ztunnel.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.inpod.InpodState;
import io.ambient4j.ztunnel.inpod.ZdsMessage;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.testing.MeshState;
import io.ambient4j.ztunnel.testing.Protos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The three HTTP endpoints on real sockets: readiness gating (C134 neighbours), metrics names, config_dump shape. */
@Timeout(60)
class AdminServerTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean xdsSynced = new AtomicBoolean();
    private final CountDownLatch quit = new CountDownLatch(1);
    private final StateUpdater state = new StateUpdater();
    private InpodState inpod;
    private AdminServer server;

    /** A real listener per pod, closed with the handle. */
    private static WorkloadProxyFactory.Handle listener(ServerSocketChannel s) {
        return new WorkloadProxyFactory.Handle() {
            @Override
            public void stopAccepting() {
                close();
            }

            @Override
            public void drain(Duration deadline) {
                close();
            }

            @Override
            public void close() {
                try {
                    s.close();
                } catch (java.io.IOException ignored) {
                    // closing anyway
                }
            }
        };
    }

    @BeforeEach
    void setUp() throws Exception {
        inpod = new InpodState(
                (pod, ns) -> listener(SocketFactory.plain().listen(new java.net.InetSocketAddress("127.0.0.1", 0), 8)),
                (ns, n) -> "cluster.local",
                Duration.ofSeconds(1));
        state.apply(StateDelta.ofAddresses(
                List.of(
                        MeshState.convert(Protos.pod("default", "b", "10.0.0.2")),
                        MeshState.convert(Protos.pod("default", "a", "10.0.0.1"))),
                List.of()));
        server = start(new AdminServer.Ports(0, 0, 0));
    }

    /** The admin server over this test's state, metrics and probes, on {@code ports}. */
    private AdminServer start(AdminServer.Ports ports) throws AdminServerException {
        return AdminServer.start(
                new AdminServer.Sources(
                        Config.fromEnv(Map.of()),
                        xdsSynced::get,
                        inpod::status,
                        state::current,
                        new TcpMetrics(),
                        new io.ambient4j.ztunnel.metrics.DnsMetrics(),
                        CertificateSource.NONE,
                        "1.28.0",
                        quit::countDown),
                ports);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        inpod.shutdown();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyOnlyWhenXdsSyncedAndSnapshotProcessedWithoutPending() throws Exception {
        var r = get(server.readinessPort(), "/healthz/ready");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("not ready, pending: workload proxy manager, xds client\n");

        xdsSynced.set(true);
        assertThat(get(server.readinessPort(), "/healthz/ready").body())
                .isEqualTo("not ready, pending: workload proxy manager\n");

        inpod.connected();
        inpod.process(new ZdsMessage.Add(
                "uid-a", "a", "default", "a-sa", Netns.current().fd()));
        assertThat(get(server.readinessPort(), "/healthz/ready").statusCode()).isEqualTo(500);
        inpod.process(new ZdsMessage.SnapshotSent());
        r = get(server.readinessPort(), "/healthz/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ready\n");

        inpod.disconnected();
        assertThat(get(server.readinessPort(), "/healthz/ready").statusCode()).isEqualTo(500);
    }

    @Test
    void C126_metricsCarryBuildAndInpodProxyCounts() throws Exception {
        inpod.connected();
        inpod.process(new ZdsMessage.Add(
                "uid-a", "a", "default", "a-sa", Netns.current().fd()));
        inpod.process(new ZdsMessage.SnapshotSent());
        for (String path : List.of("/metrics", "/stats/prometheus")) {
            var r = get(server.statsPort(), path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("# TYPE istio_tcp_connections_opened counter")
                    .contains("istio_build{component=\"ztunnel\",tag=\"1.28.0\"} 1\n")
                    .contains("istio_active_proxy_count 1\n")
                    .contains("istio_pending_proxy_count 0\n")
                    .contains("istio_proxies_started_total 1\n")
                    .contains("istio_proxies_stopped_total 0\n")
                    .contains("# TYPE istio_dns_requests counter")
                    .contains("# TYPE istio_dns_upstream_request_duration_seconds histogram")
                    .endsWith("# EOF\n");
        }
        assertThat(get(server.statsPort(), "/healthz/ready").statusCode()).isEqualTo(404);
    }

    @Test
    void configDumpIsSortedJsonWithUpstreamKeysOnLocalhostOnly() throws Exception {
        inpod.connected();
        inpod.process(new ZdsMessage.Add(
                "uid-a", "a", "default", "a-sa", Netns.current().fd()));
        var r = get(server.adminPort(), "/config_dump");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        String body = r.body();
        List<String> keys = List.of(
                "\"certificates\"",
                "\"config\"",
                "\"policies\"",
                "\"services\"",
                "\"stagedServices\"",
                "\"staticConfig\"",
                "\"version\"",
                "\"workloadState\"",
                "\"workloads\"");
        int last = -1;
        for (String k : keys) {
            int at = body.indexOf("\n  " + k + ":");
            assertThat(at).as(k).isGreaterThan(last);
            last = at;
        }
        assertThat(body.indexOf("Kubernetes//Pod/default/a")).isLessThan(body.indexOf("Kubernetes//Pod/default/b"));
        assertThat(body).contains("\"serviceAccount\": \"a-sa\"").contains("\"state\": \"Up\"");
        assertThat(body).contains("\"inpodUds\": \"/var/run/ztunnel/ztunnel.sock\"");
        assertThat(server.adminPort()).isPositive();
        // Bound to 127.0.0.1 only: the wildcard listeners answer on every address, the admin one does not.
        assertThat(get(server.readinessPort(), "/config_dump").statusCode()).isEqualTo(404);
    }

    @Test
    void C134_quitquitquitNeedsPostThenShutsDown() throws Exception {
        assertThat(get(server.adminPort(), "/quitquitquit").statusCode()).isEqualTo(405);
        var r = post(server.adminPort(), "/quitquitquit");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("shutdown now\n");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(quit.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void C134_aTakenPortFailsTheStart() {
        for (AdminServer.Ports taken : List.of(
                new AdminServer.Ports(server.readinessPort(), 0, 0),
                new AdminServer.Ports(0, server.statsPort(), 0),
                new AdminServer.Ports(0, 0, server.adminPort()))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(taken))
                    .as("%s", taken)
                    .isInstanceOfSatisfying(
                            AdminServerException.class,
                            e -> assertThat(e.reason()).isEqualTo(AdminServerException.Reason.BIND_FAILED));
        }
    }

    @Test
    void loggingListsAndChangesLevels() throws Exception {
        assertThat(get(server.adminPort(), "/logging").statusCode()).isEqualTo(405);
        assertThat(post(server.adminPort(), "/logging?level=debug").body()).isEqualTo("current log level is debug\n");
        assertThat(post(server.adminPort(), "/logging?level=bogus").statusCode())
                .isEqualTo(400);
        assertThat(post(server.adminPort(), "/logging?level=info").body()).isEqualTo("current log level is info\n");
    }

    /** A raw HTTP/1.1 exchange, so methods the JDK client will not send (BREW) and odd targets reach the server. */
    private static String raw(String host, int port, String requestLine) throws Exception {
        try (java.net.Socket sock = new java.net.Socket()) {
            sock.connect(new java.net.InetSocketAddress(host, port), 5_000);
            sock.setSoTimeout(5_000);
            sock.getOutputStream()
                    .write((requestLine + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void unknownPathsAndMethodsGet404AsBefore() throws Exception {
        // Each listener serves only its own paths; GET routes answer other methods like unknown paths.
        for (var c : List.of(
                Map.entry(server.readinessPort(), "GET /healthz"),
                Map.entry(server.readinessPort(), "GET /healthz/ready/"),
                Map.entry(server.readinessPort(), "GET /healthz/readyX"),
                Map.entry(server.readinessPort(), "POST /healthz/ready"),
                Map.entry(server.readinessPort(), "GET /metrics"),
                Map.entry(server.statsPort(), "GET /metricsX"),
                Map.entry(server.statsPort(), "POST /metrics"),
                Map.entry(server.statsPort(), "DELETE /stats/prometheus"),
                Map.entry(server.adminPort(), "GET /nothing"),
                Map.entry(server.adminPort(), "POST /"),
                Map.entry(server.adminPort(), "POST /config_dump"),
                Map.entry(server.adminPort(), "GET /metrics"),
                Map.entry(server.adminPort(), "BREW /x"))) {
            String r = raw("127.0.0.1", c.getKey(), c.getValue());
            assertThat(r).as(c.getValue()).startsWith("HTTP/1.1 404 ").endsWith("\r\n\r\nEndpoint not found");
            assertThat(r.toLowerCase(java.util.Locale.ROOT)).as(c.getValue()).contains("content-type: text/plain\r\n");
        }
        // Repeated slashes collapse and a query is ignored, as Helidon's routing did.
        xdsSynced.set(true);
        inpod.connected();
        inpod.process(new ZdsMessage.SnapshotSent());
        assertThat(raw("127.0.0.1", server.readinessPort(), "GET //healthz/ready?x=1"))
                .startsWith("HTTP/1.1 200 ")
                .endsWith("\r\n\r\nready\n");
        // HEAD gets the status without a body.
        assertThat(raw("127.0.0.1", server.statsPort(), "HEAD /metrics"))
                .startsWith("HTTP/1.1 404 ")
                .endsWith("\r\n\r\n");
    }

    @Test
    void adminMethodChecksAndContentTypes() throws Exception {
        String quit = raw("127.0.0.1", server.adminPort(), "PUT /quitquitquit");
        assertThat(quit).startsWith("HTTP/1.1 405 ").endsWith("\r\n\r\n");
        assertThat(quit.toLowerCase(java.util.Locale.ROOT))
                .contains("content-length: 0")
                .doesNotContain("content-type");
        var logging = get(server.adminPort(), "/logging");
        assertThat(logging.statusCode()).isEqualTo(405);
        assertThat(logging.body()).isEqualTo("Invalid HTTP method\n");
        assertThat(logging.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(post(server.adminPort(), "/logging?level=").body()).startsWith("current log level is ");
        var bad = post(server.adminPort(), "/logging?level=bogus");
        assertThat(bad.body()).isEqualTo("Invalid level provided: bogus\n");
        assertThat(raw("127.0.0.1", server.adminPort(), "POST /logging?level=a%2x"))
                .startsWith("HTTP/1.1 400 ");
        var home = get(server.adminPort(), "/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).startsWith("ztunnel admin: /config_dump");
        assertThat(home.headers().firstValue("content-type")).hasValue("text/plain");
        var ready = get(server.readinessPort(), "/healthz/ready");
        assertThat(ready.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(this.quit.getCount()).as("no shutdown without POST").isEqualTo(1);
    }

    @Test
    void C129_metricsContentTypeFollowsAccept() throws Exception {
        var prom = get(server.statsPort(), "/metrics");
        assertThat(prom.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        var open = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.statsPort() + "/stats/prometheus"))
                        .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("content-type"))
                .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(open.body()).isEqualTo(prom.body());
    }

    @Test
    void adminListensOnLoopbackOnlyWhileStatsAndReadinessListenEverywhere() throws Exception {
        // 127.0.0.2 is another local address: a wildcard listener answers there, one bound to 127.0.0.1 does not.
        assertThat(raw("127.0.0.2", server.statsPort(), "GET /metrics")).startsWith("HTTP/1.1 200 ");
        assertThat(raw("127.0.0.2", server.readinessPort(), "GET /healthz/ready"))
                .startsWith("HTTP/1.1 500 ");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> raw("127.0.0.2", server.adminPort(), "GET /config_dump"))
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(raw("127.0.0.1", server.adminPort(), "GET /config_dump")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void concurrentScrapesAllGetTheWholeBody() throws Exception {
        String expected = get(server.statsPort(), "/metrics").body();
        int n = 32;
        List<java.util.concurrent.Future<HttpResponse<String>>> scrapes = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                String path = i % 2 == 0 ? "/metrics" : "/stats/prometheus";
                // A fresh client per scrape: separate connections, as separate scrapers would open.
                scrapes.add(pool.submit(() -> {
                    go.await();
                    return HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.statsPort() + path))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                }));
            }
            go.countDown();
            for (var f : scrapes) {
                var r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(expected);
            }
        }
    }

    @Test
    void closeReleasesThePortsAndTheDispatcherThreads() throws Exception {
        int readiness = server.readinessPort();
        int stats = server.statsPort();
        int admin = server.adminPort();
        assertThat(get(readiness, "/healthz/ready").statusCode()).isEqualTo(500);
        server.close();
        server.close(); // idempotent
        for (int port : List.of(readiness, stats, admin)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw("127.0.0.1", port, "GET /"))
                    .as("port %d", port)
                    .isInstanceOf(java.net.ConnectException.class);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("HTTP-Dispatcher")));
        // The same ports bind again at once.
        server = start(new AdminServer.Ports(readiness, stats, admin));
        assertThat(get(admin, "/config_dump").statusCode()).isEqualTo(200);
    }
}
