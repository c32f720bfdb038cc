package io.ambient4j.waypoint;

import static io.ambient4j.waypoint.testing.L7Protos.addHeader;
import static io.ambient4j.waypoint.testing.L7Protos.backend;
import static io.ambient4j.waypoint.testing.L7Protos.exact;
import static io.ambient4j.waypoint.testing.L7Protos.policy;
import static io.ambient4j.waypoint.testing.L7Protos.prefix;
import static io.ambient4j.waypoint.testing.L7Protos.route;
import static io.ambient4j.waypoint.testing.L7Protos.rule;
import static io.ambient4j.waypoint.testing.L7Protos.svc;
import static io.ambient4j.waypoint.testing.L7Protos.to;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.waypoint.Retry;
import io.ambient4j.api.workload.Address;
import io.ambient4j.common.hbone.HboneClient;
import io.ambient4j.common.hbone.HboneException;
import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.common.hbone.HboneSettings;
import io.ambient4j.common.hbone.HboneStream;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.testing.TestPki;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.Mtls;
import io.ambient4j.waypoint.config.WaypointConfig;
import io.ambient4j.waypoint.http.Http1;
import io.ambient4j.waypoint.http.HttpInput;
import io.ambient4j.waypoint.http.ResponseHead;
import io.ambient4j.waypoint.testing.MeshBackend;
import io.ambient4j.waypoint.testing.StaticXds;
import io.ambient4j.waypoint.xds.WaypointTypeUrls;
import io.ambient4j.ztunnel.testing.FakeCa;
import io.ambient4j.ztunnel.testing.Protos;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process ("direct") tier for the waypoint: a real CA over gRPC/TLS, a static xDS source over TLS serving
 * Address + L7Policy + HttpRoute, the real {@link Waypoint} wired from its config, a mesh pod (HTTP app and TCP echo
 * behind an HBONE inbound) on 127.0.61.1, and a client that tunnels to the waypoint with its own workload identity
 * from 127.0.62.1, as the source ztunnel would. Real sockets, TLS and HBONE throughout.
 */
class WaypointDirectTest {
    static final InetAddress WAYPOINT_IP = InetAddress.ofLiteral("127.0.60.1");
    static final InetAddress BACKEND_IP = InetAddress.ofLiteral("127.0.61.1");
    static final InetAddress CLIENT_IP = InetAddress.ofLiteral("127.0.62.1");
    static final String VIP = "240.240.0.10";
    /** A service bound to another waypoint. */
    static final String OTHER_VIP = "240.240.0.20";

    static final SpiffeId WAYPOINT_ID = SpiffeId.parse("spiffe://cluster.local/ns/app/sa/waypoint");
    static final SpiffeId CLIENT_ID = SpiffeId.parse("spiffe://cluster.local/ns/app/sa/client-sa");

    @TempDir
    Path dir;

    FakeCa ca;
    StaticXds xds;
    MeshBackend backend;
    Waypoint waypoint;
    HboneClient client;
    TestPki pki;
    /** The environment {@link #waypoint} started with. */
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("ca"));
        Files.createDirectories(dir.resolve("xds"));
        ca = new FakeCa(dir.resolve("ca"));
        pki = TestPki.of(ca.meshCa());
        backend = new MeshBackend(BACKEND_IP, pki.issue("app", "backend-sa"), pki.roots());
        xds = new StaticXds(dir.resolve("xds"));
        int http = backend.httpPort();
        int echo = backend.echoPort();
        addr(Address.newBuilder()
                .setWorkload(Protos.pod("app", "client", CLIENT_IP.getHostAddress()))
                .build());
        // The waypoint itself (its pod and Service), and what is bound to it.
        addr(Address.newBuilder()
                .setWorkload(Protos.member(
                        Protos.pod("app", "waypoint", WAYPOINT_IP.getHostAddress())
                                .setServiceAccount("waypoint"),
                        "app",
                        "waypoint.app.svc.cluster.local",
                        15008,
                        15008))
                .build());
        addr(Address.newBuilder()
                .setService(Protos.service("app", "waypoint", "240.240.0.2", 15008, 15008))
                .build());
        addr(Address.newBuilder()
                .setService(Protos.service("app", "elsewhere", OTHER_VIP, 80, http)
                        .setWaypoint(Protos.waypointByHost("app", "other-waypoint.app.svc.cluster.local")))
                .build());
        addr(Address.newBuilder()
                .setWorkload(Protos.member(
                        Protos.pod("app", "backend", BACKEND_IP.getHostAddress())
                                .setWaypoint(Protos.waypointByHost("app", "waypoint.app.svc.cluster.local")),
                        "app",
                        "sidecar.app.svc.cluster.local",
                        80,
                        http,
                        9000,
                        echo,
                        9100,
                        backend.greeterPort(),
                        8081,
                        backend.upgradePort(),
                        9200,
                        echo))
                .build());
        var sidecar = Protos.service(
                "app",
                "sidecar",
                VIP,
                80,
                http,
                9000,
                echo,
                9100,
                backend.greeterPort(),
                8081,
                backend.upgradePort(),
                9200,
                echo);
        sidecar.getPortsBuilder(2).setAppProtocol(io.ambient4j.api.workload.AppProtocol.TCP);
        sidecar.setWaypoint(Protos.waypointByHost("app", "waypoint.app.svc.cluster.local"));
        addr(Address.newBuilder().setService(sidecar).build());
        xds.put(
                WaypointTypeUrls.L7_POLICY,
                "app/deny-denied",
                policy("app", "deny-denied", io.ambient4j.api.waypoint.L7Policy.Action.DENY)
                        .addRules(to(null, "/denied"))
                        .build());
        xds.put(
                WaypointTypeUrls.L7_POLICY,
                "app/deny-port-9200",
                policy("app", "deny-port-9200", io.ambient4j.api.waypoint.L7Policy.Action.DENY)
                        .addRules(io.ambient4j.api.waypoint.L7Rule.newBuilder()
                                .addTo(io.ambient4j.api.waypoint.L7Operation.newBuilder()
                                        .addPorts("9200")))
                        .build());
        xds.put(
                WaypointTypeUrls.HTTP_ROUTE,
                "app/sidecar",
                route("app", "sidecar", svc("app", "sidecar"), 80)
                        .addRules(rule().addMatches(prefix("/invalid"))
                                .addBackends(backend(svc("app", "invalid"), 80, 1)))
                        .addRules(rule().addMatches(prefix("/slow"))
                                .setRequestTimeoutMs(300)
                                .addBackends(backend(svc("app", "sidecar"), 80, 1)))
                        .addRules(rule().addMatches(exact("/flaky"))
                                .setRetry(Retry.newBuilder().setAttempts(1).addCodes(503))
                                .addBackends(backend(svc("app", "sidecar"), 80, 1)))
                        .addRules(rule().addRequestHeaderModifiers(addHeader("greeting", "hello world!"))
                                .addBackends(backend(svc("app", "sidecar"), 80, 1)))
                        .build());
        var caCfg = ca.config(Duration.ofHours(24));
        env = new HashMap<>();
        env.put("POD_NAME", "waypoint-0");
        env.put("POD_NAMESPACE", "app");
        env.put("SERVICE_ACCOUNT", "waypoint");
        env.put("INSTANCE_IP", WAYPOINT_IP.getHostAddress());
        env.put("PILOT_DISCOVERY_ADDRESS", "localhost:" + xds.port());
        env.put("XDS_ROOT_CA", xds.tls.rootPem.toString());
        env.put("CA_ADDR", caCfg.caAddress().getHost() + ":" + caCfg.caAddress().getPort());
        env.put("CA_ROOT_CA", caCfg.caRootCa());
        env.put("AUTH_TOKEN", caCfg.authToken().toString());
        env.put("WAYPOINT_LISTEN_ADDRESS", WAYPOINT_IP.getHostAddress());
        env.put("WAYPOINT_HBONE_PORT", "0");
        env.put("WAYPOINT_UPSTREAM_HBONE_PORT", Integer.toString(backend.hbonePort()));
        env.put("WAYPOINT_STATS_PORT", "0");
        env.put("WAYPOINT_READINESS_PORT", "0");
        env.put("WAYPOINT_ADMIN_PORT", "0");
        env.put("TERMINATION_DRAIN_DURATION", "5s");
        waypoint = Waypoint.start(WaypointConfig.fromEnv(env));
        await().atMost(Duration.ofSeconds(20)).until(() -> readiness() == 200);
        client = connect(pki.issue(CLIENT_ID));
    }

    void addr(Address a) {
        String name = a.hasWorkload()
                ? a.getWorkload().getUid()
                : a.getService().getNamespace() + "/" + a.getService().getHostname();
        xds.put(WaypointTypeUrls.ADDRESS, name, a);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : Arrays.<AutoCloseable>asList(
                client,
                () -> {
                    if (waypoint != null) {
                        waypoint.shutdown();
                    }
                },
                backend,
                xds,
                ca)) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** The source ztunnel's side: mutual TLS from the client pod's IP with the client's identity, expecting the waypoint's. */
    HboneClient connect(CertifiedKey clientKey) throws IOException {
        Socket tcp = new Socket();
        tcp.bind(new InetSocketAddress(CLIENT_IP, 0));
        tcp.connect(new InetSocketAddress(WAYPOINT_IP, waypoint.hbonePort()), 5000);
        SSLSocket tls = (SSLSocket) Mtls.clientContext(clientKey, ca.roots(), Set.of(WAYPOINT_ID))
                .getSocketFactory()
                .createSocket(tcp, WAYPOINT_IP.getHostAddress(), waypoint.hbonePort(), true);
        Mtls.configureClient(tls);
        tls.startHandshake();
        return HboneClient.connect(tls, HboneSettings.defaults());
    }

    /** One HTTP/1.1 exchange on an open tunnel. */
    record Reply(int status, Map<String, String> headers, String body) {}

    static Reply exchange(HboneStream s, HttpInput in, String request) throws Exception {
        OutputStream out = s.output();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ResponseHead h = Http1.readResponseHead(in);
        Map<String, String> headers = new HashMap<>();
        h.headers().fields().forEach(f -> headers.put(f.name().toLowerCase(java.util.Locale.ROOT), f.value()));
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        Http1.copyBody(in, Http1.responseFraming("GET", h), body, false);
        return new Reply(h.status(), headers, body.toString(StandardCharsets.UTF_8));
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: sidecar.app.svc.cluster.local\r\nUser-Agent: test\r\n\r\n";
    }

    @Test
    void C110_routedWithHeader_C100_deniedPath_C110_invalidBackend_onOneKeepAliveTunnel() throws Exception {
        HboneStream s = client.open(VIP + ":80", HboneHeaders.empty());
        HttpInput in = new HttpInput(s.input());

        Reply ok = exchange(s, in, get("/hello?x=1"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).startsWith("GET /hello?x=1\n").contains("greeting: hello world!\n");
        assertThat(ok.body()).contains("x-forwarded-proto: http\n").contains("x-request-id: ");
        // The waypoint re-originated HBONE to the pod with its own identity and the pod's target port.
        MeshBackend.Connect c = backend.connects.poll(10, TimeUnit.SECONDS);
        assertThat(c).isNotNull();
        assertThat(c.peer()).isEqualTo(WAYPOINT_ID);
        assertThat(c.authority()).isEqualTo(BACKEND_IP.getHostAddress() + ":" + backend.httpPort());

        Reply denied = exchange(s, in, get("/denied"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).isEqualTo("RBAC: access denied");

        Reply invalid = exchange(s, in, get("/invalid"));
        assertThat(invalid.status()).isEqualTo(500);

        String post = "POST /echo HTTP/1.1\r\nHost: sidecar\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        Reply posted = exchange(s, in, post);
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.body()).contains("body-bytes: 11\n");
        s.close();

        // a request is counted when the waypoint has finished it, which can be just after the client read its response
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(http(waypoint.statsPort(), "/stats/prometheus"))
                        .containsPattern("istio_requests_total\\{reporter=\"waypoint\",source_workload=\"client\",[^}]*"
                                + "source_principal=\"spiffe://cluster.local/ns/app/sa/client-sa\",[^}]*"
                                + "destination_service=\"sidecar.app.svc.cluster.local\",[^}]*response_code=\"403\"[^}]*"
                                + "connection_security_policy=\"mutual_tls\"\\} 1")
                        .containsPattern("istio_requests_total\\{[^}]*destination_workload=\"backend\",[^}]*"
                                + "response_code=\"200\"[^}]*\\} 2")
                        .containsPattern("istio_requests_total\\{[^}]*response_code=\"500\"[^}]*\\} 1")
                        .contains("istio_request_duration_milliseconds_bucket{")
                        .contains("istio_request_bytes_bucket{")
                        // the 403's response: status line, three fields and "RBAC: access denied"
                        .containsPattern(
                                "istio_response_bytes_sum\\{[^}]*response_code=\"403\"[^}]*\\} [1-9][0-9]+\\.0"));

        String dump = http(waypoint.adminPort(), "/config_dump");
        assertThat(dump)
                .contains("\"identity\": \"spiffe://cluster.local/ns/app/sa/waypoint\"")
                .contains("\"state\": \"Available\"")
                .contains("{\"name\": \"app/deny-denied\", \"action\": \"DENY\"")
                .contains("{\"name\": \"app/sidecar\", \"rules\": 4, \"parents\": "
                        + "[\"app/sidecar.app.svc.cluster.local:80\"]}")
                .contains("\"app/sidecar.app.svc.cluster.local\"");
    }

    @Test
    void C113_requestTimeoutIs504_andRetryOn503Succeeds() throws Exception {
        HboneStream s = client.open(VIP + ":80", HboneHeaders.empty());
        HttpInput in = new HttpInput(s.input());
        long t0 = System.nanoTime();
        Reply slow = exchange(s, in, get("/slow"));
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.body()).isEqualTo("upstream request timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        backend.release();

        Reply flaky = exchange(s, in, get("/flaky"));
        assertThat(flaky.status()).isEqualTo(200);
        assertThat(backend.flakyCalls.get()).isEqualTo(2);
        s.close();
    }

    @Test
    void nonHttpBytesAreRelayedAtL4_andCounted() throws Exception {
        HboneStream s = client.open(VIP + ":9000", HboneHeaders.empty());
        byte[] payload = "\u0000\u0001binary hello".getBytes(StandardCharsets.ISO_8859_1);
        s.output().write(payload);
        s.output().flush();
        byte[] back = s.input().readNBytes(payload.length);
        assertThat(back).isEqualTo(payload);
        s.output().close();
        assertThat(s.input().read()).isEqualTo(-1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http(waypoint.statsPort(), "/stats/prometheus")
                        .contains(
                                "istio_tcp_connections_closed_total{reporter=\"waypoint\",source_workload=\"client\""));
        assertThat(http(waypoint.statsPort(), "/stats/prometheus"))
                .containsPattern(
                        "istio_tcp_received_bytes_total\\{[^}]*request_protocol=\"tcp\"[^}]*\\} " + payload.length);
    }

    @Test
    void C100_l4DenyOnARelayedPortResetsTheTunnel() throws Exception {
        HboneStream s = client.open(VIP + ":9200", HboneHeaders.empty());
        s.output().write("\u0000raw".getBytes(StandardCharsets.ISO_8859_1));
        s.output().flush();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                    if (s.input().read() < 0) {
                        throw new IOException("ended");
                    }
                })
                .isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http(waypoint.statsPort(), "/stats/prometheus").contains("response_flags=\"DENY\""));
    }

    @Test
    void serverFirstProtocolOnADeclaredTcpPortIsRelayedWithoutWaitingForTheClient() throws Exception {
        HboneStream s = client.open(VIP + ":9100", HboneHeaders.empty());
        byte[] greeting = "220 server speaks first\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(s.input().readNBytes(greeting.length)).isEqualTo(greeting);
        s.output().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        s.output().flush();
        assertThat(s.input().readNBytes(6)).isEqualTo("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        s.close();
    }

    @Test
    void upgradeSwitchesTheTunnelToRawBytes() throws Exception {
        HboneStream s = client.open(VIP + ":8081", HboneHeaders.empty());
        HttpInput in = new HttpInput(s.input());
        s.output()
                .write("GET /ws HTTP/1.1\r\nHost: sidecar\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        s.output().flush();
        ResponseHead h = Http1.readResponseHead(in);
        assertThat(h.status()).isEqualTo(101);
        assertThat(h.headers().first("upgrade")).contains("echo");
        s.output().write("ping".getBytes(StandardCharsets.US_ASCII));
        s.output().flush();
        byte[] back = new byte[4];
        int n = 0;
        while (n < 4) {
            n += in.read(back, n, 4 - n);
        }
        assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping");
        s.close();
    }

    @Test
    void http10WithoutHostGetsTheServiceNameAndTheConnectionEnds() throws Exception {
        HboneStream s = client.open(VIP + ":80", HboneHeaders.empty());
        HttpInput in = new HttpInput(s.input());
        Reply r = exchange(s, in, "GET /old-client HTTP/1.0\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("host: sidecar.app.svc.cluster.local\n");
        assertThat(r.headers()).containsEntry("connection", "close");
        assertThat(in.fill(1)).isZero();
        s.close();
    }

    @Test
    void malformedRequestGets400AndTheNextTunnelStillWorks() throws Exception {
        HboneStream bad = client.open(VIP + ":80", HboneHeaders.empty());
        HttpInput badIn = new HttpInput(bad.input());
        Reply r = exchange(bad, badIn, "GET /x HTTP/1.1\r\nHost: h\r\nBad Header: v\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(bad.input().read()).isEqualTo(-1);

        HboneStream good = client.open(VIP + ":80", HboneHeaders.empty());
        assertThat(exchange(good, new HttpInput(good.input()), get("/ok")).status())
                .isEqualTo(200);
        good.close();
    }

    @Test
    void sigtermDrainFinishesTheRequestInFlightAndRefusesNewConnections() throws Exception {
        HboneStream s = client.open(VIP + ":80", HboneHeaders.empty());
        HttpInput in = new HttpInput(s.input());
        s.output().write(get("/slow-in-flight").getBytes(StandardCharsets.ISO_8859_1));
        s.output().flush();
        assertThat(backend.connects.poll(10, TimeUnit.SECONDS)).isNotNull(); // the request reached the pod
        Thread drain = Thread.ofVirtual().start(waypoint::shutdown);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket probe = new Socket(WAYPOINT_IP, waypoint.hbonePort())) {
                return false;
            } catch (IOException refused) {
                return true;
            }
        });
        backend.release();
        ResponseHead h = Http1.readResponseHead(in);
        assertThat(h.status()).isEqualTo(200);
        s.close();
        client.close();
        assertThat(drain.join(Duration.ofSeconds(15))).isTrue();
    }

    @Test
    void C098_workloadAddressedTunnelGoesToThatPod() throws Exception {
        // A workload waypoint receives :authority <podIP>:<port>; no service routing, L7 policy still applies.
        HboneStream s = client.open(BACKEND_IP.getHostAddress() + ":" + backend.httpPort(), HboneHeaders.empty());
        HttpInput in = new HttpInput(s.input());
        Reply ok = exchange(s, in, get("/direct"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).startsWith("GET /direct\n").doesNotContain("greeting:");
        assertThat(exchange(s, in, get("/denied")).status()).isEqualTo(403);
        s.close();
        MeshBackend.Connect c = backend.connects.poll(10, TimeUnit.SECONDS);
        assertThat(c.authority()).isEqualTo(BACKEND_IP.getHostAddress() + ":" + backend.httpPort());
    }

    @Test
    void manyKeepAliveRequestsOnOneTunnelAndParallelTunnels() throws Exception {
        int perTunnel = 300;
        int tunnels = 4;
        long t0 = System.nanoTime();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < tunnels; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    HboneStream s = client.open(VIP + ":80", HboneHeaders.empty());
                    HttpInput in = new HttpInput(s.input());
                    for (int i = 0; i < perTunnel; i++) {
                        if (exchange(s, in, get("/n/" + i)).status() == 200) {
                            ok.incrementAndGet();
                        }
                    }
                    s.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : threads) {
            assertThat(t.join(Duration.ofSeconds(60))).isTrue();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(ok.get()).isEqualTo(perTunnel * tunnels);
        // a request is counted when the waypoint has finished it, which can be just after the client read its response
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(waypoint.metrics().requestCount(Map.of("response_code", "200")))
                        .isEqualTo(perTunnel * tunnels));
        System.getLogger(getClass().getName())
                .log(
                        System.Logger.Level.INFO,
                        "{0} requests over {1} tunnels in {2} ms",
                        perTunnel * tunnels,
                        tunnels,
                        took.toMillis());
    }

    @Test
    void fuzzedRequestsThroughTunnelsEndCleanlyAndAnotherTunnelKeepsWorking() throws Exception {
        HboneStream keeper = client.open(VIP + ":80", HboneHeaders.empty());
        HttpInput kin = new HttpInput(keeper.input());
        assertThat(exchange(keeper, kin, get("/before")).status()).isEqualTo(200);
        String[] seeds = {
            get("/fuzz?a=b"),
            "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody",
            "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n0\r\n\r\n",
        };
        java.util.Random rnd = new java.util.Random(1127);
        int answered = 0;
        for (int i = 0; i < 120; i++) {
            byte[] b = seeds[rnd.nextInt(seeds.length)].getBytes(StandardCharsets.ISO_8859_1);
            for (int e = 1 + rnd.nextInt(3); e > 0; e--) {
                b = io.ambient4j.waypoint.http.Http1FuzzTest.mutate(b, rnd);
            }
            HboneStream s = client.open(VIP + ":80", HboneHeaders.empty());
            s.output().write(b);
            s.output().close(); // END_STREAM: a truncated request must not make the waypoint wait forever
            java.util.concurrent.atomic.AtomicReference<byte[]> reply =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    reply.set(s.input().readAllBytes());
                } catch (IOException ex) {
                    reply.set(new byte[0]); // reset: also an end
                }
            });
            boolean ended = reader.join(Duration.ofSeconds(10));
            if (!ended) {
                s.reset();
            }
            assertThat(ended)
                    .as("tunnel %d (%s) ended", i, new String(b, StandardCharsets.ISO_8859_1))
                    .isTrue();
            String text = new String(reply.get(), StandardCharsets.ISO_8859_1);
            if (!text.isEmpty()) {
                assertThat(text).startsWith("HTTP/1.");
                answered++;
            }
            s.close();
        }
        assertThat(answered).isPositive();
        assertThat(exchange(keeper, kin, get("/after")).status()).isEqualTo(200);
        keeper.close();
    }

    @Test
    void unknownDestinationIsRefusedBeforeTheTunnelOpens() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.open("240.240.9.9:80", HboneHeaders.empty()))
                .isInstanceOfSatisfying(
                        HboneException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void C098_aServiceBoundToAnotherWaypointIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.open(OTHER_VIP + ":80", HboneHeaders.empty()))
                .isInstanceOfSatisfying(
                        HboneException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void peerWithoutAClientCertificateIsRefused() throws Exception {
        Socket tcp = new Socket(WAYPOINT_IP, waypoint.hbonePort());
        SSLSocket tls = (SSLSocket)
                Mtls.clientContext(null, Mtls.trustManager(ca.roots(), io.ambient4j.common.tls.PeerCheck.none()))
                        .getSocketFactory()
                        .createSocket(tcp, WAYPOINT_IP.getHostAddress(), waypoint.hbonePort(), true);
        Mtls.configureClient(tls);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                    tls.startHandshake();
                    InputStream in = tls.getInputStream();
                    if (in.read() < 0) {
                        throw new IOException("closed by the waypoint");
                    }
                })
                .isInstanceOf(IOException.class);
        tls.close();
    }

    @Test
    void aWaypointMissingFromItsOwnStateIsNotReadyAndRefusesTunnels() throws Exception {
        // A second waypoint whose pod IP no workload in the xDS state has: it cannot tell what is bound to it.
        InetAddress strayIp = InetAddress.ofLiteral("127.0.60.9");
        Map<String, String> strayEnv = new HashMap<>(env);
        strayEnv.put("POD_NAME", "waypoint-stray");
        strayEnv.put("INSTANCE_IP", strayIp.getHostAddress());
        strayEnv.put("WAYPOINT_LISTEN_ADDRESS", strayIp.getHostAddress());
        Waypoint stray = Waypoint.start(WaypointConfig.fromEnv(strayEnv));
        try {
            await().atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> http(stray.readinessPort(), "/healthz/ready").contains("own workload"));
            assertThat(readiness(stray)).isEqualTo(503);
            Socket tcp = new Socket();
            tcp.bind(new InetSocketAddress(CLIENT_IP, 0));
            tcp.connect(new InetSocketAddress(strayIp, stray.hbonePort()), 5000);
            SSLSocket tls = (SSLSocket) Mtls.clientContext(pki.issue(CLIENT_ID), ca.roots(), Set.of(WAYPOINT_ID))
                    .getSocketFactory()
                    .createSocket(tcp, strayIp.getHostAddress(), stray.hbonePort(), true);
            Mtls.configureClient(tls);
            tls.startHandshake();
            try (HboneClient c = HboneClient.connect(tls, HboneSettings.defaults())) {
                // the same VIP the ready waypoint serves (bound to it by its Service name)
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.open(VIP + ":80", HboneHeaders.empty()))
                        .isInstanceOfSatisfying(
                                HboneException.class,
                                e -> assertThat(e.status()).isEqualTo(503));
            }
        } finally {
            stray.shutdown();
        }
        // the waypoint that is in its state serves as before
        assertThat(readiness()).isEqualTo(200);
    }

    int readiness() {
        return readiness(waypoint);
    }

    static int readiness(Waypoint w) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + w.readinessPort() + "/healthz/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String http(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
