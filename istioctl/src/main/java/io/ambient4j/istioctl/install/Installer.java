package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.ambient4j.istioctl.KubeApply;
import io.ambient4j.istioctl.KubeErrors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Applies rendered charts to a cluster in install order and waits for their workloads, printing
 * upstream-style progress ("✔ Istiod installed"). The cluster is whatever client it is given; all
 * API failures come out as {@link IstioctlException}s that say what was being done.
 */
public final class Installer {
    private static final Duration POLL = Duration.ofMillis(250);

    private final KubernetesClient client;
    private final PrintStream out;

    public Installer(KubernetesClient client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    /** Rendered objects per component, in install order. */
    public record Plan(String namespace, Map<Component, List<HasMetadata>> objects) {
        public static Plan render(InstallSpec spec, Renderer renderer) {
            Map<Component, List<HasMetadata>> m = new LinkedHashMap<>();
            for (Component c : spec.components()) {
                m.put(c, renderer.render(c, spec));
            }
            return new Plan(spec.namespace(), m);
        }

        public int size() {
            return objects.values().stream().mapToInt(List::size).sum();
        }
    }

    /** What an install did: objects applied per component and how long readiness took. */
    public record Result(Map<Component, Integer> applied, Duration elapsed) {}

    public Result install(Plan plan, Duration readinessTimeout) {
        long start = System.nanoTime();
        long deadline = start + readinessTimeout.toNanos();
        ensureNamespace(plan.namespace());
        Map<Component, Integer> applied = new LinkedHashMap<>();
        for (var e : plan.objects().entrySet()) {
            Component c = e.getKey();
            for (HasMetadata o : e.getValue()) {
                apply(o);
            }
            applied.put(c, e.getValue().size());
            waitReady(c, e.getValue(), plan.namespace(), deadline, readinessTimeout);
            out.println("✔ " + c.displayName + " installed " + icon(c));
        }
        out.println("✔ Installation complete");
        return new Result(applied, Duration.ofNanos(System.nanoTime() - start));
    }

    void ensureNamespace(String ns) {
        try {
            if (client.namespaces().withName(ns).get() == null) {
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create();
            }
        } catch (RuntimeException e) {
            throw KubeErrors.classify(e, "create Namespace " + ns, server());
        }
    }

    /**
     * Creates the object, or when it exists already (409) server-side-applies it as field manager
     * istioctl, forcing conflicts: fields other managers own and the charts do not set (the webhooks'
     * caBundle that istiod patches in, Deployment replicas under an HPA) are kept. A server that has no
     * apply patches answers 415; then a JSON merge patch is sent instead.
     */
    void apply(HasMetadata o) {
        try {
            KubeApply.apply(client.resource(o), o);
        } catch (RuntimeException e) {
            throw KubeErrors.classify(e, "apply " + Renderer.ref(o), server());
        }
    }

    private void waitReady(Component c, List<HasMetadata> objects, String namespace, long deadline, Duration timeout) {
        List<HasMetadata> workloads =
                objects.stream().filter(Readiness::isWorkload).toList();
        String lastLine = null;
        while (true) {
            List<String> pending = new ArrayList<>();
            for (HasMetadata w : workloads) {
                HasMetadata live;
                try {
                    live = client.resource(w).get();
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(e, "read " + Renderer.ref(w), server());
                }
                if (live == null) {
                    pending.add(Renderer.ref(w) + " (missing)");
                } else {
                    Readiness.missing(live).ifPresent(why -> pending.add(Renderer.ref(w) + " (" + why + ")"));
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            String line = "- Processing resources for " + c.displayName + ". Waiting for " + String.join(", ", pending);
            if (!line.equals(lastLine)) {
                out.println(line);
                lastLine = line;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IstioctlException(
                        Reason.NOT_READY,
                        "timed out after " + human(timeout) + " waiting for " + c.displayName
                                + " to become ready: " + String.join(", ", pending)
                                + ". Check the pods: kubectl get pods -n "
                                + namespace
                                + "; raise the limit with --readiness-timeout.");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Deletes what the plan would create, in reverse order; CRDs only when {@code purge}. */
    public int uninstall(Plan plan, boolean purge) {
        List<Component> comps = new ArrayList<>(plan.objects().keySet());
        java.util.Collections.reverse(comps);
        int deleted = 0;
        for (Component c : comps) {
            List<HasMetadata> objs = new ArrayList<>(plan.objects().get(c));
            java.util.Collections.reverse(objs);
            for (HasMetadata o : objs) {
                if (o instanceof CustomResourceDefinition && !purge) {
                    continue;
                }
                try {
                    if (!client.resource(o).delete().isEmpty()) {
                        out.println("✔ Removed " + Renderer.ref(o) + ".");
                        deleted++;
                    }
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(e, "delete " + Renderer.ref(o), server());
                }
            }
        }
        if (!purge) {
            out.println("  The Istio CRDs were kept; remove them too with istioctl uninstall --purge.");
        }
        out.println("✔ Uninstall complete");
        return deleted;
    }

    private String server() {
        return client.getConfiguration().getMasterUrl();
    }

    private static String icon(Component c) {
        return switch (c) {
            case BASE -> "⛵️";
            case ISTIOD -> "🧠";
            case CNI -> "🪢";
            case ZTUNNEL -> "🔒";
        };
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
