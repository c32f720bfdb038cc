package io.ambient4j.istiod;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * An API server inside the istiod process for {@code --embedded} and the demo: fabric8's CRUD mock (stores,
 * lists and watches any object), plus {@link ServiceAccountTokens} for TokenReview. Nothing leaves loopback.
 */
public final class EmbeddedApiServer implements AutoCloseable {
    /** The mock logs every request at INFO; held strongly so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final ServiceAccountTokens tokens = new ServiceAccountTokens();

    private EmbeddedApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
        tokens.install(server);
    }

    /** Starts on an ephemeral loopback port. */
    public static EmbeddedApiServer start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer s = new KubernetesMockServer(
                new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        s.init(InetAddress.getLoopbackAddress(), 0);
        return new EmbeddedApiServer(s);
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    public KubernetesClient client() {
        return client;
    }

    public ServiceAccountTokens tokens() {
        return tokens;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
