package io.ambient4j.istiod.kube;

import io.ambient4j.istiod.ambient.BindingStatus;
import io.ambient4j.istiod.ambient.PolicyStatus;
import io.ambient4j.istiod.ambient.StatusSink;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Writes the conditions the index owns into {@code status.conditions}: {@code ZtunnelAccepted} on
 * AuthorizationPolicies and {@code istio.io/WaypointBound} on Services, ServiceEntries and WorkloadEntries.
 * This is the I/O edge of the translation: the index calls {@link #policyStatus} / {@link #bindingStatus}
 * (which only enqueue) and one virtual thread updates the API server, keeping conditions of other types
 * (written by other controllers) and skipping the write when the stored condition is already equal.
 */
final class KubeStatusWriter implements StatusSink {
    private static final System.Logger LOG = System.getLogger(KubeStatusWriter.class.getName());
    private static final ResourceDefinitionContext AP =
            ResourceDefinitionContext.fromResourceType(AuthorizationPolicy.class);
    private static final ResourceDefinitionContext SERVICE =
            ResourceDefinitionContext.fromResourceType(io.fabric8.kubernetes.api.model.Service.class);
    private static final ResourceDefinitionContext SERVICE_ENTRY =
            ResourceDefinitionContext.fromResourceType(ServiceEntry.class);
    private static final ResourceDefinitionContext WORKLOAD_ENTRY =
            ResourceDefinitionContext.fromResourceType(WorkloadEntry.class);

    /** One condition's value; null in an update means "remove the condition". */
    record Value(boolean status, String reason, String message, long observedGeneration) {}

    private record Update(ResourceDefinitionContext kind, String namespace, String name, String type, Value value) {}

    private final KubernetesClient client;
    private final LinkedBlockingQueue<Update> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    private volatile boolean stopped;

    KubeStatusWriter(KubernetesClient client) {
        this.client = client;
    }

    void start() {
        thread = Thread.ofVirtual().name("ambient-status-writer").start(this::run);
    }

    void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void policyStatus(String namespace, String name, PolicyStatus status) {
        queue.add(new Update(AP, namespace, name, PolicyStatus.CONDITION_TYPE, status == null ? null : value(status)));
    }

    @Override
    public void bindingStatus(BindingStatus.Target target, String namespace, String name, BindingStatus status) {
        ResourceDefinitionContext kind = switch (target) {
            case SERVICE -> SERVICE;
            case SERVICE_ENTRY -> SERVICE_ENTRY;
            case WORKLOAD_ENTRY -> WORKLOAD_ENTRY;
        };
        Value v = status == null
                ? null
                : new Value(status.bound(), status.reason(), status.message(), status.observedGeneration());
        queue.add(new Update(kind, namespace, name, BindingStatus.CONDITION_TYPE, v));
    }

    private static Value value(PolicyStatus s) {
        return new Value(s.accepted(), s.reason(), s.message(), s.observedGeneration());
    }

    private void run() {
        while (!stopped) {
            Update u;
            try {
                u = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                writeWithRetry(u);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            u.kind().getKind() + " " + u.namespace() + "/" + u.name() + " is gone");
                } else {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "cannot write " + u.type() + " status of "
                                    + u.kind().getKind() + " " + u.namespace() + "/" + u.name() + ": "
                                    + e.getMessage());
                }
            }
        }
    }

    /** Retries on 409 (the object changed between read and write), a few times. */
    private void writeWithRetry(Update u) {
        for (int attempt = 1; ; attempt++) {
            try {
                write(u);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private void write(Update u) {
        var resource = client.genericKubernetesResources(u.kind())
                .inNamespace(u.namespace())
                .withName(u.name());
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return;
        }
        Map<String, Object> status = new LinkedHashMap<>();
        Object existing = current.getAdditionalProperties().get("status");
        if (existing instanceof Map<?, ?> m) {
            m.forEach((k, v) -> status.put(String.valueOf(k), v));
        }
        List<Object> conditions = new ArrayList<>();
        Map<String, Object> previous = null;
        if (status.get("conditions") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof Map<?, ?> cm && u.type().equals(cm.get("type"))) {
                    previous = new HashMap<>();
                    for (var e : cm.entrySet()) {
                        previous.put(String.valueOf(e.getKey()), e.getValue());
                    }
                } else {
                    conditions.add(c);
                }
            }
        }
        if (u.value() == null && previous == null) {
            return;
        }
        if (u.value() != null) {
            Map<String, Object> next = condition(u.type(), u.value(), previous);
            if (sameCondition(next, previous)) {
                return;
            }
            conditions.add(next);
        }
        if (conditions.isEmpty()) {
            status.remove("conditions");
        } else {
            status.put("conditions", conditions);
        }
        current.getAdditionalProperties().put("status", status);
        client.genericKubernetesResources(u.kind())
                .inNamespace(u.namespace())
                .resource(current)
                .updateStatus();
    }

    /** Equal field by field as text (JSON numbers come back as Integer or Long). */
    static boolean sameCondition(Map<String, Object> a, Map<String, Object> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        for (var e : a.entrySet()) {
            if (!String.valueOf(e.getValue()).equals(String.valueOf(b.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    /** The ZtunnelAccepted condition map for {@code s}. */
    static Map<String, Object> condition(PolicyStatus s, Map<String, Object> previous) {
        return condition(PolicyStatus.CONDITION_TYPE, value(s), previous);
    }

    /** The condition map; lastTransitionTime only moves when the status value flips. */
    static Map<String, Object> condition(String type, Value s, Map<String, Object> previous) {
        String value = s.status() ? "True" : "False";
        Object lastTransition =
                previous != null && value.equals(previous.get("status")) ? previous.get("lastTransitionTime") : null;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", value);
        c.put("reason", s.reason());
        c.put("message", s.message());
        c.put("observedGeneration", s.observedGeneration());
        c.put(
                "lastTransitionTime",
                lastTransition != null ? lastTransition : Instant.now().toString());
        return c;
    }
}
