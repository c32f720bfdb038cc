package io.ambient4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.testing.TestPki;
import io.ambient4j.istiod.ca.ServingCertificate;
import io.ambient4j.istiod.ops.Metrics;
import io.ambient4j.istiod.ops.OpsRoutes;
import io.ambient4j.istiod.testing.SlowReverseDns;
import io.ambient4j.istiod.webhook.ValidationWebhook;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * istiod's TLS ports must not depend on the peer's reverse DNS: a resolver that never answers a PTR query (common
 * inside clusters and in the local mesh) must not delay or stall handshakes on 15012 (xDS and CA) or 15017
 * (webhook), and must not starve other connections of carrier threads.
 */
class IstiodServerHandshakeTest {
    private IstiodServer server;

    @BeforeEach
    void start() {
        Metrics metrics = new Metrics();
        ServingCertificate.Issued serving = ServingCertificate.issue(
                TestPki.create().ca(), ServingCertificate.defaultDnsNames("istio-system"), Duration.ofHours(1));
        server = IstiodServer.start(new IstiodServer.Config(
                "127.0.0.1",
                0,
                0,
                0,
                0,
                0,
                List.of(),
                List.of(),
                serving.key(),
                serving.chain(),
                new OpsRoutes(metrics, () -> true, () -> "", () -> "{}", () -> "{}"),
                new ValidationWebhook(metrics)));
    }

    @AfterEach
    void stop() {
        SlowReverseDns.release();
        server.stop();
    }

    @Test
    void handshakesFromAPeerWithoutReverseDnsCompleteOnBothTlsPorts() throws Exception {
        // more concurrent handshakes than there are carrier threads: one pinned carrier per stuck lookup would
        // stall them all
        int perPort = Runtime.getRuntime().availableProcessors() * 2 + 2;
        List<Integer> ports = List.of(server.port(IstiodServer.TLS_XDS), server.port(IstiodServer.HTTPS_WEBHOOKS));
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> handshakes = new ArrayList<>();
            for (int port : ports) {
                for (int i = 0; i < perPort; i++) {
                    handshakes.add(clients.submit(() -> handshake(port)));
                }
            }
            for (Future<String> h : handshakes) {
                assertThat(h.get()).isEqualTo("TLSv1.3");
            }
        }
        assertThat(SlowReverseDns.slowLookups())
                .as("reverse lookups of the peer address made by istiod")
                .isZero();
    }

    /** One TLS handshake from {@link SlowReverseDns#SLOW_PEER}; fails if the server has not answered in 10 s. */
    private static String handshake(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, new TrustManager[] {new AnyServer()}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(SlowReverseDns.SLOW_PEER), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s.getSession().getProtocol();
        }
    }

    /** The test checks that the handshake happens at all; who the server is does not matter here. */
    private static final class AnyServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
