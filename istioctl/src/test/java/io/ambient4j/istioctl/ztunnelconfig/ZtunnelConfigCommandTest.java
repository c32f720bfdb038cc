package io.ambient4j.istioctl.ztunnelconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ambient4j.istioctl.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * C131: {@code istioctl ztunnel-config} reads a ztunnel admin {@code /config_dump} over real HTTP (a
 * JDK HTTP server on loopback serving upstream ztunnel's JSON shape) and prints upstream's tables.
 */
class ZtunnelConfigCommandTest {
    private HttpServer admin;
    private String address;
    private final AtomicInteger requests = new AtomicInteger();

    static String dump() throws IOException {
        try (InputStream in = ZtunnelConfigCommandTest.class.getResourceAsStream("/config_dump.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void startAdmin() throws IOException {
        byte[] body = dump().getBytes(StandardCharsets.UTF_8);
        admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        admin.createContext("/config_dump", ex -> {
            requests.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        admin.start();
        address = "127.0.0.1:" + admin.getAddress().getPort();
    }

    @AfterEach
    void stopAdmin() {
        admin.stop(0);
    }

    @Test
    void C131_workloads() {
        Run run = Run.of(null, "ztunnel-config", "workloads", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("""
                        NAMESPACE        POD NAME              ADDRESS        NODE              WAYPOINT     PROTOCOL
                        bookinfo         details-v1-5f         10.244.2.9     worker-2          None         HBONE
                        bookinfo         productpage-v1-7c     10.244.1.7     worker-1          waypoint     HBONE
                        bookinfo         waypoint-6d           10.244.1.8     worker-1          None         TCP
                        istio-system     istiod-8b             10.244.0.5     control-plane     None         TCP
                        """);
        assertThat(requests).hasValue(1);
    }

    @Test
    void C131_services() {
        Run run = Run.of(null, "ztunnel-config", "services", "--ztunnel-admin-address", address);
        assertThat(run.out()).isEqualTo("""
                        NAMESPACE     SERVICE NAME     SERVICE VIP     WAYPOINT     ENDPOINTS
                        bookinfo      details          10.96.10.2      None         0/1
                        bookinfo      productpage      10.96.10.1      waypoint     1/1
                        bookinfo      waypoint         10.96.20.2      None         1/1
                        """);
    }

    @Test
    void C131_policies() {
        Run run = Run.of(null, "ztunnel-config", "policies", "--ztunnel-admin-address", address);
        assertThat(run.out()).isEqualTo("""
                        NAMESPACE        POLICY NAME           ACTION     SCOPE
                        bookinfo         allow-productpage     Allow      Namespace
                        istio-system     deny-all              Deny       Global
                        """);
    }

    @Test
    void C131_certificates() throws IOException {
        // the table's VALID CERT column depends on the clock: render with a fixed instant too
        String table = DumpTables.certificates(ConfigDump.parse(dump()), Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(table).isEqualTo("""
                        CERTIFICATE NAME                                               TYPE     STATUS          VALID CERT     SERIAL NUMBER     NOT AFTER                NOT BEFORE
                        spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage     Leaf     Available       true           ff                2026-11-28T00:00:00Z     2026-11-26T00:00:00Z
                        spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage     Root     Available       true           1000              2036-01-01T00:00:00Z     2026-01-01T00:00:00Z
                        spiffe://cluster.local/ns/bookinfo/sa/bookinfo-details         NA       Unavailable     false          NA                NA                       NA
                        """);
        Run run = Run.of(null, "ztunnel-config", "certificates", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("CERTIFICATE NAME").contains("     Root     Available");
    }

    @Test
    void C131_jsonOutputHasAllFourSections() {
        Run run = Run.of(null, "ztunnel-config", "all", "-o", "json", "--ztunnel-admin-address", address);
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("\"workloads\"", "\"services\"", "\"policies\"", "\"certificates\"");
    }

    @Test
    void unreachableAdminSaysHowToReachIt() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Run run = Run.of(null, "ztunnel-config", "workloads", "--ztunnel-admin-address", "127.0.0.1:" + closed);
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("Error: cannot reach the ztunnel admin server at 127.0.0.1:" + closed)
                .contains("port-forward");
        Run bad = Run.of(null, "ztunnel-config", "workloads", "--ztunnel-admin-address", "nonsense");
        assertThat(bad.err()).startsWith("Error: --ztunnel-admin-address nonsense: expected host:port");
    }
}
