package io.ambient4j.conformance.mesh;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;

/** fabric8's mock API server in CRUD mode, bound to 127.0.0.1 on a free port. */
final class EmbeddedApiServer implements ApiServer {
    /** Held so the level sticks: the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final String url;
    private final Path kubeconfig;

    private EmbeddedApiServer(KubernetesMockServer server, String url, Path kubeconfig) {
        this.server = server;
        this.url = url;
        this.kubeconfig = kubeconfig;
    }

    static EmbeddedApiServer start(Path dir) {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        try {
            server.init(InetAddress.getLoopbackAddress(), 0);
        } catch (RuntimeException e) {
            throw new MeshException(MeshException.Reason.API_SERVER, "mock API server did not start", e);
        }
        String url = "http://127.0.0.1:" + server.getPort();
        Path kubeconfig = ApiServer.writeKubeconfig(dir.resolve("kubeconfig"), url);
        return new EmbeddedApiServer(server, url, kubeconfig);
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
