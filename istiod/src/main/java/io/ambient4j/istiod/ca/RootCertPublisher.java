package io.ambient4j.istiod.ca;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps ConfigMap {@code istio-ca-root-cert} (key {@code root-cert.pem}) in every namespace equal to the mesh
 * CA's roots (during a CA change, also the roots being replaced: {@link RootTransition}), which is how ztunnel
 * and sidecars learn what to trust. If a user deletes or edits it, it comes back.
 *
 * <p>One reconciler per owned object: informers on Namespaces and on these ConfigMaps only enqueue the
 * namespace name; a single virtual thread reconciles one namespace at a time against the API server.
 */
public final class RootCertPublisher implements AutoCloseable {
    public static final String CONFIG_MAP = "istio-ca-root-cert";
    public static final String ROOT_CERT_KEY = "root-cert.pem";
    /** Upstream labels its ConfigMaps so tooling can find them. */
    public static final Map<String, String> LABELS = Map.of("istio.io/config", "true");
    /** Namespaces upstream does not publish into. */
    public static final Set<String> IGNORED_NAMESPACES = Set.of("kube-public", "kube-node-lease", "local-path-storage");

    private static final System.Logger LOG = System.getLogger(RootCertPublisher.class.getName());
    private static final String STOP = "\u0000stop";

    private final KubernetesClient client;
    private final Supplier<String> rootPem;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("root-cert-retry").factory());
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<ConfigMap> configMaps;

    /**
     * @param client API access
     * @param rootPem the current roots as PEM (re-read on every reconcile)
     */
    public RootCertPublisher(KubernetesClient client, Supplier<String> rootPem) {
        this.client = client;
        this.rootPem = rootPem;
    }

    /** Starts the informers and the reconciler. */
    public RootCertPublisher start() {
        namespaces =
                client.namespaces().inform(new Enqueue<>(n -> n.getMetadata().getName()));
        configMaps = client.configMaps()
                .inAnyNamespace()
                .withField("metadata.name", CONFIG_MAP)
                .inform(new Enqueue<>(c -> CONFIG_MAP.equals(c.getMetadata().getName())
                        ? c.getMetadata().getNamespace()
                        : null));
        // Handlers only enqueue; the worker starts once both informers exist.
        Thread.ofVirtual().name("root-cert-publisher").start(this::run);
        return this;
    }

    /** True once both informers listed their objects. */
    public boolean hasSynced() {
        return namespaces != null && namespaces.hasSynced() && configMaps != null && configMaps.hasSynced();
    }

    /** Re-publishes into every namespace (after the CA's roots changed). */
    public void republishAll() {
        if (namespaces != null) {
            namespaces.getStore().list().forEach(n -> enqueue(n.getMetadata().getName()));
        }
    }

    /** Re-publishes into every namespace at {@code when} (the end of a root transition). */
    public void republishAllAt(java.time.Instant when) {
        long delay = Math.max(
                0, java.time.Duration.between(java.time.Instant.now(), when).toMillis());
        retries.schedule(this::republishAll, delay, TimeUnit.MILLISECONDS);
    }

    private void enqueue(String ns) {
        if (ns != null && queued.add(ns)) {
            queue.add(ns);
        }
    }

    private void run() {
        try {
            while (true) {
                String ns = queue.take();
                if (STOP.equals(ns)) {
                    return;
                }
                queued.remove(ns);
                try {
                    reconcile(ns);
                } catch (KubernetesClientException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "publishing " + CONFIG_MAP + " into " + ns + " failed (retrying): " + e.getMessage());
                    retries.schedule(() -> enqueue(ns), 1, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the ConfigMap in {@code ns} hold the current roots. */
    void reconcile(String ns) {
        if (IGNORED_NAMESPACES.contains(ns)) {
            return;
        }
        Namespace namespace = namespaces.getStore().getByKey(ns);
        if (namespace == null || namespace.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String want = rootPem.get();
        var resource = client.configMaps().inNamespace(ns).withName(CONFIG_MAP);
        ConfigMap current = resource.get();
        if (current == null) {
            client.configMaps()
                    .inNamespace(ns)
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName(CONFIG_MAP)
                            .withNamespace(ns)
                            .withLabels(LABELS)
                            .endMetadata()
                            .withData(Map.of(ROOT_CERT_KEY, want))
                            .build())
                    .create();
            LOG.log(System.Logger.Level.INFO, "published " + CONFIG_MAP + " into namespace " + ns);
            return;
        }
        Map<String, String> data = current.getData() == null ? Map.of() : current.getData();
        if (Objects.equals(data.get(ROOT_CERT_KEY), want)) {
            return;
        }
        resource.edit(cm -> {
            Map<String, String> d = new HashMap<>(cm.getData() == null ? Map.of() : cm.getData());
            d.put(ROOT_CERT_KEY, want);
            cm.setData(d);
            return cm;
        });
        LOG.log(System.Logger.Level.INFO, "repaired " + CONFIG_MAP + " in namespace " + ns);
    }

    @Override
    public void close() {
        if (namespaces != null) {
            namespaces.close();
        }
        if (configMaps != null) {
            configMaps.close();
        }
        retries.shutdownNow();
        queue.add(STOP);
    }

    /** Informer handler that only enqueues the namespace an event concerns. */
    private final class Enqueue<T> implements ResourceEventHandler<T> {
        private final java.util.function.Function<T, String> namespaceOf;

        Enqueue(java.util.function.Function<T, String> namespaceOf) {
            this.namespaceOf = namespaceOf;
        }

        @Override
        public void onAdd(T obj) {
            enqueue(namespaceOf.apply(obj));
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            enqueue(namespaceOf.apply(newObj));
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            enqueue(namespaceOf.apply(obj));
        }
    }
}
