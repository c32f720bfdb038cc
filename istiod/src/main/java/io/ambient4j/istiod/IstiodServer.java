package io.ambient4j.istiod;

import io.ambient4j.istiod.auth.GrpcCredentials;
import io.ambient4j.istiod.ops.OpsRoutes;
import io.ambient4j.istiod.webhook.ValidationWebhook;
import io.grpc.BindableService;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcRouting;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * istiod's listeners on one Helidon web server, named as upstream's container ports: plaintext xDS
 * ({@code grpc-xds}, 15010, the default socket), TLS xDS plus the CA ({@code tls-xds}, 15012), Prometheus
 * ({@code http-monitoring}, 15014), debug/readiness ({@code http-debug}, 8080) and the validating webhook
 * ({@code https-webhooks}, 15017, the same serving certificate as 15012). Every socket sets
 * {@code tcpNoDelay} (Helidon's default of false adds ~40 ms per small HTTP/2 write on loopback).
 */
public final class IstiodServer {
    public static final String GRPC_XDS = WebServer.DEFAULT_SOCKET_NAME;
    public static final String TLS_XDS = "tls-xds";
    public static final String HTTP_MONITORING = "http-monitoring";
    public static final String HTTP_DEBUG = "http-debug";
    public static final String HTTPS_WEBHOOKS = "https-webhooks";

    private final WebServer server;

    private IstiodServer(WebServer server) {
        this.server = server;
    }

    /**
     * Starts the server (binds every port). The TLS listeners use Helidon's socket-based TLS path: its NIO TLS path
     * (the 4.5 default) names the SSLEngine after the peer's host name, a blocking reverse DNS lookup per
     * connection that pins a carrier thread; where PTR queries go unanswered (many clusters, the local mesh) every
     * handshake on 15012 and 15017 stalled behind it and ztunnel's CA calls timed out.
     */
    public static IstiodServer start(Config config) {
        WebServerConfig.Builder b = WebServer.builder()
                .port(config.xdsPort())
                .host(config.host())
                .shutdownHook(false)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .addRouting(grpc(config.plaintextServices()));
        b.putSocket(
                TLS_XDS,
                s -> s.port(config.secureXdsPort())
                        .host(config.host())
                        .connectionOptions(o -> o.tcpNoDelay(true))
                        .useNio(false)
                        .tls(tls(config.servingKey(), config.servingChain()))
                        .addRouting(grpc(config.secureServices())));
        b.putSocket(
                HTTP_MONITORING,
                s -> s.port(config.monitoringPort()).host(config.host()).connectionOptions(o -> o.tcpNoDelay(true)));
        b.putSocket(
                HTTP_DEBUG,
                s -> s.port(config.debugPort()).host(config.host()).connectionOptions(o -> o.tcpNoDelay(true)));
        b.putSocket(
                HTTPS_WEBHOOKS,
                s -> s.port(config.webhookPort())
                        .host(config.host())
                        .connectionOptions(o -> o.tcpNoDelay(true))
                        .useNio(false)
                        .tls(tls(config.servingKey(), config.servingChain())));
        b.routing(HTTPS_WEBHOOKS, r -> config.webhook().routing(r));
        b.routing(HTTP_MONITORING, r -> config.ops().monitoring(r));
        b.routing(HTTP_DEBUG, r -> config.ops().debug(r));
        return new IstiodServer(b.build().start());
    }

    private static Tls tls(PrivateKey key, List<X509Certificate> chain) {
        return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
    }

    private static GrpcRouting.Builder grpc(List<BindableService> services) {
        GrpcRouting.Builder r = GrpcRouting.builder().intercept(new GrpcCredentials());
        services.forEach(r::service);
        return r;
    }

    /** The bound port of a socket (useful when configured as 0). */
    public int port(String socket) {
        return server.port(socket);
    }

    /** Replaces the serving certificate on 15012 and 15017, e.g. after the CA root rotated. */
    public void reloadServingCertificate(PrivateKey key, List<X509Certificate> chain) {
        server.reloadTls(TLS_XDS, tls(key, chain));
        server.reloadTls(HTTPS_WEBHOOKS, tls(key, chain));
    }

    public void stop() {
        server.stop();
    }

    /**
     * What to listen on and what to serve.
     *
     * @param host bind address (e.g. {@code 0.0.0.0}, or {@code 127.0.0.1} in tests)
     * @param xdsPort plaintext xDS, 15010 (0 = ephemeral)
     * @param secureXdsPort TLS xDS and CA, 15012
     * @param monitoringPort Prometheus, 15014
     * @param debugPort readiness and debug, 8080
     * @param webhookPort validating webhook (HTTPS), 15017
     * @param plaintextServices gRPC services on 15010
     * @param secureServices gRPC services on 15012
     * @param servingKey key of the 15012 certificate
     * @param servingChain 15012 certificate chain, leaf first
     * @param ops HTTP routes for 15014 and 8080
     * @param webhook the validating webhook served on 15017
     */
    public record Config(
            String host,
            int xdsPort,
            int secureXdsPort,
            int monitoringPort,
            int debugPort,
            int webhookPort,
            List<BindableService> plaintextServices,
            List<BindableService> secureServices,
            PrivateKey servingKey,
            List<X509Certificate> servingChain,
            OpsRoutes ops,
            ValidationWebhook webhook) {
        public Config {
            Objects.requireNonNull(host, "host");
            plaintextServices = List.copyOf(plaintextServices);
            secureServices = List.copyOf(secureServices);
            Objects.requireNonNull(servingKey, "servingKey");
            servingChain = List.copyOf(servingChain);
            Objects.requireNonNull(ops, "ops");
            Objects.requireNonNull(webhook, "webhook");
        }
    }
}
