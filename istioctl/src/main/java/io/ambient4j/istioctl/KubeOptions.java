package io.ambient4j.istioctl;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The cluster options upstream istioctl takes on every command (--kubeconfig, --context). Tests hand
 * in a ready client instead (the fabric8 mock API server) through {@link #clientSupplier}.
 */
public final class KubeOptions {
    @Option(
            names = {"-c", "--kubeconfig"},
            description = "Kubernetes configuration file (default: $KUBECONFIG or ~/.kube/config)")
    String kubeconfig;

    @Option(names = "--context", description = "Kubernetes configuration context (default: the current context)")
    String context;

    Supplier<KubernetesClient> clientSupplier;

    /** A client for the cluster of the current (or chosen) kubeconfig context. */
    public KubernetesClient client() {
        if (clientSupplier != null) {
            return clientSupplier.get();
        }
        if (kubeconfig != null) {
            System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig);
        }
        Config config = context != null ? Config.autoConfigure(context) : Config.autoConfigure(null);
        // Fail fast on an unreachable cluster instead of retrying for a minute.
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(5_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
