package io.ambient4j.istioctl.install;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Optional;

/**
 * When a workload counts as ready, as a pure function of its live object: a Deployment when its
 * available replicas reach the wanted count, a DaemonSet when every scheduled pod is ready and updated.
 * Returns what is still missing, in words, or empty when ready.
 */
public final class Readiness {
    private Readiness() {}

    /** Whether istioctl waits for objects of this kind. */
    public static boolean isWorkload(HasMetadata o) {
        return o instanceof Deployment || o instanceof DaemonSet;
    }

    public static Optional<String> missing(HasMetadata live) {
        if (live instanceof Deployment d) {
            int want = d.getSpec() != null && d.getSpec().getReplicas() != null
                    ? d.getSpec().getReplicas()
                    : 1;
            DeploymentStatus s = d.getStatus();
            int available = s == null || s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas();
            return available >= want ? Optional.empty() : Optional.of(available + "/" + want + " available");
        }
        if (live instanceof DaemonSet ds) {
            DaemonSetStatus s = ds.getStatus();
            if (s == null || s.getDesiredNumberScheduled() == null) {
                return Optional.of("not scheduled yet");
            }
            int want = s.getDesiredNumberScheduled();
            int ready = s.getNumberReady() == null ? 0 : s.getNumberReady();
            int updated = s.getUpdatedNumberScheduled() == null ? ready : s.getUpdatedNumberScheduled();
            return ready >= want && updated >= want ? Optional.empty() : Optional.of(ready + "/" + want + " ready");
        }
        return Optional.empty();
    }
}
