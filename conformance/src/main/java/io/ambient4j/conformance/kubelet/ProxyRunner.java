package io.ambient4j.conformance.kubelet;

import io.ambient4j.conformance.mesh.Topology.NodePlan;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs a proxy process as a pod's container instead of the echo app (a waypoint pod runs the ambient4j waypoint).
 * The kubelet asks {@link #handles} for every pod it realises and closes what {@link #start} returned when the pod
 * goes away.
 */
public interface ProxyRunner {
    /** Never handles a pod: every pod runs the echo app. */
    ProxyRunner NONE = new ProxyRunner() {
        @Override
        public boolean handles(Pod pod) {
            return false;
        }

        @Override
        public AutoCloseable start(Pod pod, String netns, String ip, NodePlan node) {
            throw new UnsupportedOperationException("no proxy runner");
        }
    };

    /** Whether this pod's container is a proxy this runner starts. */
    boolean handles(Pod pod);

    /** Starts the proxy inside the pod's namespace; closing the result stops it. */
    AutoCloseable start(Pod pod, String netns, String ip, NodePlan node) throws java.io.IOException;
}
