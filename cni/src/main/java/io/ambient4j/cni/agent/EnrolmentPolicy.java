package io.ambient4j.cni.agent;

import static io.ambient4j.cni.agent.AgentConstants.DATAPLANE_MODE_AMBIENT;
import static io.ambient4j.cni.agent.AgentConstants.DATAPLANE_MODE_LABEL;
import static io.ambient4j.cni.agent.AgentConstants.DATAPLANE_MODE_NONE;
import static io.ambient4j.cni.agent.AgentConstants.SIDECAR_STATUS_ANNOTATION;

import io.ambient4j.cni.enablement.EnablementSelectors;
import java.util.Map;
import java.util.Set;

/**
 * Whether a pod belongs in the ambient mesh (ambient-spec §6.4): the configured enablement selectors
 * ({@code AMBIENT_ENABLEMENT_SELECTOR}, chart default: pod label ambient, or namespace label ambient unless
 * the pod says none), minus pods that must never be captured whatever the selectors say (hostNetwork,
 * sidecar-injected, ztunnel, excluded namespaces, the pod's own {@code none} opt-out). Pure; the first
 * matching exclusion is reported so operators see why.
 */
public final class EnrolmentPolicy {
    /** The answer and the rule that produced it. */
    public record Decision(boolean ambient, Reason reason) {}

    /** Why a pod is or is not ambient; stable for logs and tests. */
    public enum Reason {
        POD_LABEL,
        NAMESPACE_LABEL,
        /** Selected by a custom enablement selector (neither dataplane-mode label says ambient). */
        SELECTOR,
        NOT_SELECTED,
        POD_OPT_OUT,
        HOST_NETWORK,
        SIDECAR_INJECTED,
        ZTUNNEL_POD,
        EXCLUDED_NAMESPACE,
        TERMINATED
    }

    private final Set<String> excludedNamespaces;
    private final String systemNamespace;
    private final EnablementSelectors selectors;

    /** With the chart's default selectors. */
    public EnrolmentPolicy(Set<String> excludedNamespaces, String systemNamespace) {
        this(excludedNamespaces, systemNamespace, EnablementSelectors.defaults());
    }

    public EnrolmentPolicy(Set<String> excludedNamespaces, String systemNamespace, EnablementSelectors selectors) {
        this.excludedNamespaces = Set.copyOf(excludedNamespaces);
        this.systemNamespace = systemNamespace;
        this.selectors = selectors;
    }

    /** Chart defaults: {@code kube-system} excluded, system namespace {@code istio-system}. */
    public static EnrolmentPolicy defaults() {
        return new EnrolmentPolicy(AgentConstants.DEFAULT_EXCLUDED_NAMESPACES, AgentConstants.DEFAULT_SYSTEM_NAMESPACE);
    }

    public Decision decide(PodView pod, Map<String, String> namespaceLabels) {
        if (pod.hostNetwork()) {
            return no(Reason.HOST_NETWORK);
        }
        if (excludedNamespaces.contains(pod.namespace())) {
            return no(Reason.EXCLUDED_NAMESPACE);
        }
        if (pod.namespace().equals(systemNamespace)
                && "ztunnel".equals(pod.labels().get("app"))) {
            return no(Reason.ZTUNNEL_POD);
        }
        if (pod.annotations().containsKey(SIDECAR_STATUS_ANNOTATION)) {
            return no(Reason.SIDECAR_INJECTED);
        }
        if (pod.terminal()) {
            return no(Reason.TERMINATED);
        }
        String podMode = pod.labels().get(DATAPLANE_MODE_LABEL);
        if (DATAPLANE_MODE_NONE.equals(podMode)) {
            return no(Reason.POD_OPT_OUT);
        }
        if (!selectors.matches(pod.labels(), namespaceLabels)) {
            return no(Reason.NOT_SELECTED);
        }
        if (DATAPLANE_MODE_AMBIENT.equals(podMode)) {
            return new Decision(true, Reason.POD_LABEL);
        }
        if (DATAPLANE_MODE_AMBIENT.equals(namespaceLabels.get(DATAPLANE_MODE_LABEL))) {
            return new Decision(true, Reason.NAMESPACE_LABEL);
        }
        return new Decision(true, Reason.SELECTOR);
    }

    private static Decision no(Reason reason) {
        return new Decision(false, reason);
    }
}
