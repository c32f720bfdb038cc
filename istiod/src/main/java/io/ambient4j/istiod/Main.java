package io.ambient4j.istiod;

import io.ambient4j.common.logging.ShutdownLogging;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * istiod's entry point. Flags and environment are parsed once ({@link IstiodConfig}); the Kubernetes API is
 * a real cluster (kubeconfig or in-cluster) or, with {@code --embedded}, fabric8's CRUD mock in this process.
 */
public final class Main {
    static {
        // before any logger exists: what the component logs while shutting down must not be lost
        ShutdownLogging.install();
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {}

    /** A running istiod with the API server it talks to. */
    public record Running(Istiod istiod, Optional<EmbeddedApiServer> embedded, KubernetesClient client)
            implements AutoCloseable {
        @Override
        public void close() {
            istiod.close();
            if (embedded.isPresent()) {
                embedded.get().close();
            } else {
                client.close();
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        IstiodConfig config;
        try {
            config = IstiodConfig.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("istiod: " + e.getMessage());
            System.exit(2);
            return;
        }
        Running running = run(config);
        running.embedded()
                .ifPresent(api -> LOG.log(
                        System.Logger.Level.INFO,
                        "embedded API server: a bearer token for istio-system/ztunnel (audience istio-ca, 12h): "
                                + api.tokens()
                                        .issue(
                                                "istio-system",
                                                "ztunnel",
                                                "",
                                                "",
                                                List.of("istio-ca"),
                                                Duration.ofHours(12))));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            ShutdownLogging.shutdownComplete();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Connects to (or starts) the API server, then starts the ambient index and istiod. */
    public static Running run(IstiodConfig config) {
        Optional<EmbeddedApiServer> embedded = config.apiServer() == IstiodConfig.ApiServer.EMBEDDED
                ? Optional.of(EmbeddedApiServer.start())
                : Optional.empty();
        KubernetesClient client = embedded.map(EmbeddedApiServer::client).orElseGet(() -> clusterClient(config));
        Istiod.Index index = null;
        try {
            index = AmbientIndexes.start(config, client);
            return new Running(Istiod.start(config, client, index), embedded, client);
        } catch (RuntimeException | Error e) {
            // Release what was started (the embedded API server's threads would keep the JVM alive).
            if (index != null) {
                index.stop().run();
            }
            embedded.ifPresentOrElse(EmbeddedApiServer::close, client::close);
            throw e;
        }
    }

    private static KubernetesClient clusterClient(IstiodConfig config) {
        if (config.kubeconfig().isPresent()) {
            try {
                return new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(
                                Files.readString(config.kubeconfig().get())))
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read --kubeconfig " + config.kubeconfig().get(), e);
            }
        }
        // KUBECONFIG, ~/.kube/config, or the in-cluster service account, in fabric8's order.
        return new KubernetesClientBuilder().build();
    }
}
