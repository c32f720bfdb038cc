package io.ambient4j.istiod.waypoint;

import io.ambient4j.istiod.kube.crd.Gateway;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * istiod's waypoint deployment controller: for every Gateway of class {@code istio-waypoint} it keeps a
 * ServiceAccount, Deployment and Service (one reconciler each) as the chart's waypoint template describes,
 * owned by the Gateway, and writes the Gateway's status (addresses once the Service has a ClusterIP), which
 * is what lets the ambient index bind workloads to the waypoint. It also keeps the built-in GatewayClass
 * {@code istio-waypoint} present and Accepted.
 *
 * <p>Informer handlers only enqueue the Gateway's key; one virtual thread reconciles, so two events for one
 * Gateway never race. Changes to the owned objects (someone edits or deletes the Deployment) and to the
 * injector values (a new proxy image) enqueue the Gateway again.
 */
public final class WaypointController implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WaypointController.class.getName());
    private static final ResourceDefinitionContext GATEWAYS = ResourceDefinitionContext.fromResourceType(Gateway.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** The queue key for the {@code istio-waypoint} GatewayClass (a Gateway key always has a slash). */
    private static final String CLASS_KEY = "gatewayclass";

    private final KubernetesClient client;
    private final String istioNamespace;
    private final KubernetesSerialization json = new KubernetesSerialization();
    private final List<OwnedObjectReconciler<?>> reconcilers;
    private final GatewayClassReconciler gatewayClass;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicReference<ProxyValues> values;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> gateways;
    private Thread worker;
    private volatile boolean stopped;

    public WaypointController(KubernetesClient client, String istioNamespace) {
        this.client = client;
        this.istioNamespace = istioNamespace;
        this.values = new AtomicReference<>(ProxyValues.defaults(istioNamespace));
        this.gatewayClass = new GatewayClassReconciler(client);
        this.reconcilers = List.of(
                new OwnedObjectReconciler<>(client, json, ServiceAccount.class, WaypointService::serviceAccount),
                new OwnedObjectReconciler<>(
                        client, json, Deployment.class, gw -> WaypointDeployment.deployment(gw, values.get())),
                new OwnedObjectReconciler<>(client, json, Service.class, WaypointService::service));
    }

    /** Starts the informers and the reconcile thread; returns without waiting for the first list. */
    public WaypointController start() {
        gateways = client.genericKubernetesResources(GATEWAYS).inAnyNamespace().runnableInformer(0);
        gateways.addEventHandler(enqueue(
                o -> List.of(key(o.getMetadata().getNamespace(), o.getMetadata().getName()))));
        informers.add(gateways);
        Function<HasMetadata, List<String>> owner = o -> {
            Map<String, String> labels = o.getMetadata().getLabels();
            String gw = labels == null ? null : labels.get(WaypointNames.GATEWAY_NAME);
            return gw == null ? List.of() : List.of(key(o.getMetadata().getNamespace(), gw));
        };
        informers.add(withHandler(
                client.serviceAccounts()
                        .inAnyNamespace()
                        .withLabel(WaypointNames.GATEWAY_NAME)
                        .runnableInformer(0),
                owner));
        informers.add(withHandler(
                client.apps()
                        .deployments()
                        .inAnyNamespace()
                        .withLabel(WaypointNames.GATEWAY_NAME)
                        .runnableInformer(0),
                owner));
        informers.add(withHandler(
                client.services()
                        .inAnyNamespace()
                        .withLabel(WaypointNames.GATEWAY_NAME)
                        .runnableInformer(0),
                owner));
        SharedIndexInformer<ConfigMap> injector = client.configMaps()
                .inNamespace(istioNamespace)
                .withName(ProxyValues.CONFIG_MAP)
                .runnableInformer(0);
        injector.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                valuesChanged(cm);
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap cm) {
                valuesChanged(cm);
            }

            @Override
            public void onDelete(ConfigMap cm, boolean unknown) {
                valuesChanged(null);
            }
        });
        informers.add(injector);
        informers.add(withHandler(
                client.genericKubernetesResources(GatewayClassReconciler.GATEWAY_CLASSES)
                        .withName(WaypointNames.WAYPOINT_CLASS)
                        .runnableInformer(0),
                o -> List.of(CLASS_KEY)));
        enqueue(CLASS_KEY);
        worker = Thread.ofVirtual().name("waypoint-controller").start(this::run);
        informers.forEach(SharedIndexInformer::start);
        return this;
    }

    /** True once every informer has listed once. */
    public boolean hasSynced() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    private <T extends HasMetadata> SharedIndexInformer<T> withHandler(
            SharedIndexInformer<T> inf, Function<HasMetadata, List<String>> keys) {
        inf.addEventHandler(enqueue(keys::apply));
        return inf;
    }

    private <T extends HasMetadata> ResourceEventHandler<T> enqueue(Function<T, List<String>> keys) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T o) {
                keys.apply(o).forEach(WaypointController.this::enqueue);
            }

            @Override
            public void onUpdate(T old, T o) {
                keys.apply(o).forEach(WaypointController.this::enqueue);
            }

            @Override
            public void onDelete(T o, boolean unknown) {
                keys.apply(o).forEach(WaypointController.this::enqueue);
            }
        };
    }

    private void valuesChanged(ConfigMap cm) {
        String raw = cm == null || cm.getData() == null ? null : cm.getData().get("values");
        try {
            values.set(raw == null ? ProxyValues.defaults(istioNamespace) : ProxyValues.parse(raw, istioNamespace));
        } catch (WaypointException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "keeping the previous waypoint values (" + e.reason() + "): " + e.getMessage());
            return;
        }
        if (gateways != null) {
            for (GenericKubernetesResource g : gateways.getStore().list()) {
                enqueue(key(g.getMetadata().getNamespace(), g.getMetadata().getName()));
            }
        }
    }

    private void enqueue(String key) {
        if (pending.add(key)) {
            queue.add(key);
        }
    }

    private static String key(String ns, String name) {
        return ns + "/" + name;
    }

    private void run() {
        while (!stopped) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            pending.remove(key);
            try {
                reconcile(key);
            } catch (WaypointException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "waypoint " + key + " not rendered (" + e.reason() + "): " + e.getMessage());
            } catch (KubernetesClientException e) {
                if (stopped) {
                    return;
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "waypoint " + key + ": API call failed, retrying: " + e.getMessage());
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(RETRY);
                        enqueue(key);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }

    /** Brings one Gateway's objects and status in line with the Gateway (or removes them). */
    void reconcile(String key) {
        if (CLASS_KEY.equals(key)) {
            gatewayClass.reconcile();
            return;
        }
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        GenericKubernetesResource raw = gateways.getStore().getByKey(key);
        Gateway gw = raw == null ? null : json.convertValue(raw, Gateway.class);
        boolean waypoint = gw != null
                && gw.getSpec() != null
                && WaypointNames.WAYPOINT_CLASS.equals(gw.getSpec().gatewayClassName);
        String liveUid = waypoint ? gw.getMetadata().getUid() : null;
        for (OwnedObjectReconciler<?> r : reconcilers) {
            int n = r.deleteStale(ns, name, liveUid);
            if (n > 0) {
                LOG.log(System.Logger.Level.INFO, "waypoint " + key + ": deleted " + n + " stale " + r.kind());
            }
        }
        if (!waypoint) {
            return;
        }
        for (OwnedObjectReconciler<?> r : reconcilers) {
            if (r.apply(gw)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "waypoint " + key + ": applied " + r.kind());
            }
        }
        writeStatus(gw);
    }

    private void writeStatus(Gateway gw) {
        String ns = gw.getMetadata().getNamespace();
        var resource = client.genericKubernetesResources(GATEWAYS)
                .inNamespace(ns)
                .withName(gw.getMetadata().getName());
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return;
        }
        Map<String, Object> status = new LinkedHashMap<>();
        if (current.getAdditionalProperties().get("status") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> status.put(String.valueOf(k), v));
        }
        Service svc = client.services()
                .inNamespace(ns)
                .withName(WaypointNames.deploymentName(gw))
                .get();
        Long generation = current.getMetadata().getGeneration();
        Map<String, Object> next = WaypointStatus.next(
                status, svc, generation == null ? 0 : generation, values.get().clusterDomain(), Instant.now());
        if (WaypointStatus.sameIgnoringTimes(status, next)) {
            return;
        }
        current.getAdditionalProperties().put("status", next);
        client.genericKubernetesResources(GATEWAYS)
                .inNamespace(ns)
                .resource(current)
                .updateStatus();
    }

    @Override
    public void close() {
        stopped = true;
        informers.forEach(SharedIndexInformer::stop);
        if (worker != null) {
            worker.interrupt();
        }
    }
}
