package io.ambient4j.istiod.kube;

import io.ambient4j.istiod.ambient.PolicyStatus;
import io.ambient4j.istiod.ambient.StatusSink;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
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
 * Writes the {@code ZtunnelAccepted} condition into AuthorizationPolicy {@code status.conditions}. This is
 * the I/O edge of the policy translation: the index calls {@link #policyStatus} (which only enqueues) and
 * a virtual thread patches the API server, keeping other conditions written by other controllers.
 */
final class KubeStatusWriter implements StatusSink {
    private static final System.Logger LOG = System.getLogger(KubeStatusWriter.class.getName());
    private static final ResourceDefinitionContext AP =
            ResourceDefinitionContext.fromResourceType(AuthorizationPolicy.class);

    private record Update(String namespace, String name, PolicyStatus status) {}

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
        queue.add(new Update(namespace, name, status));
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
                    LOG.log(System.Logger.Level.DEBUG, "policy " + u.namespace() + "/" + u.name() + " is gone");
                } else {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "cannot write status of " + u.namespace() + "/" + u.name() + ": " + e.getMessage());
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
        var resource =
                client.genericKubernetesResources(AP).inNamespace(u.namespace()).withName(u.name());
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
                if (c instanceof Map<?, ?> cm && PolicyStatus.CONDITION_TYPE.equals(cm.get("type"))) {
                    previous = new HashMap<>();
                    for (var e : cm.entrySet()) {
                        previous.put(String.valueOf(e.getKey()), e.getValue());
                    }
                } else {
                    conditions.add(c);
                }
            }
        }
        if (u.status() == null && previous == null) {
            return;
        }
        if (u.status() != null) {
            Map<String, Object> next = condition(u.status(), previous);
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
        client.genericKubernetesResources(AP)
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

    /** The condition map; lastTransitionTime only moves when the status value flips. */
    static Map<String, Object> condition(PolicyStatus s, Map<String, Object> previous) {
        String value = s.accepted() ? "True" : "False";
        Object lastTransition =
                previous != null && value.equals(previous.get("status")) ? previous.get("lastTransitionTime") : null;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", PolicyStatus.CONDITION_TYPE);
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
