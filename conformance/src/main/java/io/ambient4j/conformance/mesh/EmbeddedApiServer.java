package io.ambient4j.conformance.mesh;

import io.ambient4j.istiod.ServiceAccountTokens;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode, bound to 127.0.0.1 on a free port, plus istiod's
 * {@link ServiceAccountTokens} answering TokenReview (the CRUD mock has no authentication), so istiod
 * can authenticate ztunnel's projected token as against a real API server.
 */
final class EmbeddedApiServer implements ApiServer {
    /** Held so the level sticks: the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final String url;
    private final Path kubeconfig;
    private final ServiceAccountTokens tokens;

    private EmbeddedApiServer(KubernetesMockServer server, String url, Path kubeconfig, ServiceAccountTokens tokens) {
        this.server = server;
        this.tokens = tokens;
        this.url = url;
        this.kubeconfig = kubeconfig;
    }

    static EmbeddedApiServer start(Path dir) {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        ServiceAccountTokens tokens = new ServiceAccountTokens();
        // the mixed dispatcher: CRUD for objects, and the recorded expectations (TokenReview) before it
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), responses, new StatusMetadataDispatcher(responses), false);
        try {
            server.init(InetAddress.getLoopbackAddress(), 0);
            tokens.install(server);
        } catch (RuntimeException e) {
            throw new MeshException(MeshException.Reason.API_SERVER, "mock API server did not start", e);
        }
        String url = "http://127.0.0.1:" + server.getPort();
        Path kubeconfig = ApiServer.writeKubeconfig(dir.resolve("kubeconfig"), url);
        return new EmbeddedApiServer(server, url, kubeconfig, tokens);
    }

    @Override
    public Optional<ServiceAccountTokens> tokens() {
        return Optional.of(tokens);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public KubernetesClient newClient() {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(ApiServer.kubeconfigText(url)))
                .build();
    }

    @Override
    public boolean embedded() {
        return true;
    }

    @Override
    public void close() {
        server.destroy();
    }
}
