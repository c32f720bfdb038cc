package io.ambient4j.cni.agent;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a pod or namespace straight from the API server when a plugin add event names one the informer
 * has not seen yet (the event can beat the watch). A few short retries, like upstream's stale-cache retry;
 * empty when it does not exist or the API cannot be reached.
 */
final class CniPodSource {
    private static final System.Logger LOG = System.getLogger(CniPodSource.class.getName());
    private static final int ATTEMPTS = 5;
    private static final long PAUSE_NANOS = 20_000_000L;

    private final KubernetesClient client;

    CniPodSource(KubernetesClient client) {
        this.client = client;
    }

    Optional<Pod> pod(String namespace, String name) {
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                Pod p = client.pods().inNamespace(namespace).withName(name).get();
                if (p != null) {
                    return Optional.of(p);
                }
            } catch (KubernetesClientException e) {
                LOG.log(Level.WARNING, "reading pod {0}/{1}: {2}", namespace, name, e.getMessage());
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
        return Optional.empty();
    }

    Optional<Namespace> namespace(String name) {
        try {
            return Optional.ofNullable(client.namespaces().withName(name).get());
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "reading namespace {0}: {1}", name, e.getMessage());
            return Optional.empty();
        }
    }
}
