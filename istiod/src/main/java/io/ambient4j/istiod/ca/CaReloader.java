package io.ambient4j.istiod.ca;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.TlsException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows the CA Secrets so that putting in (or replacing) a {@code cacerts} plug-in CA takes effect without
 * restarting istiod: the informer handler only flags a reload; one virtual thread reloads with the usual
 * precedence and, when the signing certificate or roots changed, hands the new CA on (new roots published,
 * serving certificate reissued, new workload certificates chain to it).
 */
public final class CaReloader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CaReloader.class.getName());
    private static final Set<String> WATCHED = Set.of(MeshCa.PLUGGED_SECRET, MeshCa.SELF_SIGNED_SECRET);

    private final KubernetesClient client;
    private final String namespace;
    private final Supplier<java.util.Optional<MeshCa>> load;
    private final Supplier<MeshCa> current;
    private final Consumer<MeshCa> onChange;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("ca-reload").factory());
    private final AtomicBoolean pending = new AtomicBoolean();
    private SharedIndexInformer<Secret> informer;

    /**
     * @param load reads the CA from its Secrets (with precedence), empty when neither exists
     * @param current the CA in use
     * @param onChange called on the reload thread with a CA whose signing certificate or roots differ
     */
    public CaReloader(
            KubernetesClient client,
            String namespace,
            Supplier<java.util.Optional<MeshCa>> load,
            Supplier<MeshCa> current,
            Consumer<MeshCa> onChange) {
        this.client = client;
        this.namespace = namespace;
        this.load = load;
        this.current = current;
        this.onChange = onChange;
    }

    public CaReloader start() {
        informer = client.secrets().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                changed(s);
            }

            @Override
            public void onUpdate(Secret oldS, Secret newS) {
                changed(newS);
            }

            @Override
            public void onDelete(Secret s, boolean unknown) {
                changed(s);
            }
        });
        return this;
    }

    private void changed(Secret s) {
        if (WATCHED.contains(s.getMetadata().getName()) && pending.compareAndSet(false, true)) {
            worker.execute(this::reload);
        }
    }

    private void reload() {
        pending.set(false);
        try {
            java.util.Optional<MeshCa> loaded = load.get();
            if (loaded.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "no CA Secret left in " + namespace + "; keeping the current CA");
                return;
            }
            MeshCa next = loaded.get();
            MeshCa now = current.get();
            if (next.caCert().equals(now.caCert()) && next.roots().equals(now.roots())) {
                return;
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "CA changed: now signing with " + next.caCert().getSubjectX500Principal() + ", root "
                            + next.root().getSubjectX500Principal());
            onChange.accept(next);
        } catch (TlsException | KubernetesClientException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "CA Secret changed but cannot be loaded; keeping the current CA: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdownNow();
    }
}
