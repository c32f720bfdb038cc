package io.ambient4j.conformance.mesh;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Kubernetes API the mesh and its components talk to over HTTP through fabric8, as in a cluster.
 * Either {@link #embedded} (fabric8's CRUD mock server, in-process on a loopback port) or {@link #external}
 * (any API server named by a kubeconfig).
 */
public interface ApiServer extends AutoCloseable {
    /** The base URL as seen from the root namespace. */
    String url();

    /** A kubeconfig file for this API (root namespace). */
    Path kubeconfig();

    /** A new client; callers close it. */
    KubernetesClient newClient();

    /** Whether the harness owns the pods (embedded) or a real cluster does. */
    boolean embedded();

    @Override
    void close();

    /**
     * The issuer of service-account tokens this API server accepts in TokenReview (projected tokens for
     * the components), if the harness owns it.
     */
    default java.util.Optional<io.ambient4j.istiod.ServiceAccountTokens> tokens() {
        return java.util.Optional.empty();
    }

    /** Starts fabric8's CRUD mock server and writes {@code dir/kubeconfig}. */
    static ApiServer embedded(Path dir) {
        return EmbeddedApiServer.start(dir);
    }

    /** Uses an existing API server. */
    static ApiServer external(Path kubeconfig) {
        try {
            String text = Files.readString(kubeconfig);
            Config config = Config.fromKubeconfig(text);
            return new ApiServer() {
                @Override
                public String url() {
                    return config.getMasterUrl();
                }

                @Override
                public Path kubeconfig() {
                    return kubeconfig;
                }

                @Override
                public KubernetesClient newClient() {
                    return new KubernetesClientBuilder()
                            .withConfig(Config.fromKubeconfig(text))
                            .build();
                }

                @Override
                public boolean embedded() {
                    return false;
                }

                @Override
                public void close() {}
            };
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.API_SERVER, "cannot read kubeconfig " + kubeconfig, e);
        }
    }

    /** A kubeconfig (no auth: the embedded API has none) for {@code server}. Pure. */
    static String kubeconfigText(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: ambient4j
                  cluster:
                    server: %s
                contexts:
                - name: ambient4j
                  context:
                    cluster: ambient4j
                    user: ambient4j
                    namespace: default
                current-context: ambient4j
                users:
                - name: ambient4j
                  user:
                    token: ambient4j-local
                """.formatted(server);
    }

    /** Writes a kubeconfig for {@code server} to {@code file}. */
    static Path writeKubeconfig(Path file, String server) {
        try {
            Files.writeString(file, kubeconfigText(server), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.API_SERVER, "cannot write " + file, e);
        }
    }
}
