package io.ambient4j.cni.agent;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.System.Logger.Level;

/**
 * Tells an upgrade or restart (keep everything in place) from an uninstall (clean up) when the agent gets
 * SIGTERM (ambient-spec §6.7): is the {@code istio-cni-node} DaemonSet still there and not being deleted?
 * When the API cannot answer, the answer is "still installed": removing the plugin by mistake would let
 * ambient pods start uncaptured, keeping it by mistake only leaves a file behind.
 */
public final class DaemonSetPresence {
    private static final System.Logger LOG = System.getLogger(DaemonSetPresence.class.getName());
    /** The chart's DaemonSet name. */
    public static final String DAEMONSET = "istio-cni-node";

    private DaemonSetPresence() {}

    public static boolean stillInstalled(KubernetesClient client, String namespace) {
        try {
            DaemonSet ds = client.apps()
                    .daemonSets()
                    .inNamespace(namespace)
                    .withName(DAEMONSET)
                    .get();
            return ds != null && ds.getMetadata().getDeletionTimestamp() == null;
        } catch (KubernetesClientException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot read DaemonSet {0}/{1}, treating as an upgrade: {2}",
                    namespace,
                    DAEMONSET,
                    e.getMessage());
            return true;
        }
    }
}
